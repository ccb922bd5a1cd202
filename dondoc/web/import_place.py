"""The agencies a draft may name: those of the plan's place. That is the
issuing authority's tree (every agency under the same top agency as the
issuer, e.g. all of "UBND tỉnh Nghệ An" for a commune plan of Nghệ An),
national bodies (ministries, the Government), and the new agencies the
importer proposed. When the issuer is itself new, the top agency whose name
holds the plan's place stands for it. A lead or coordinating agency
outside the place is refused next to its row: reminders must not go to
another province."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlmodel import Session, select

from dondoc.config.reader import Problem
from dondoc.store.models import Agency
from dondoc.web.import_view import DraftView

NATIONAL = frozenset({"ministry", "national", "government"})
OUTSIDE = ("không thuộc địa bàn của kế hoạch (cây cơ quan của cơ quan ban hành, cơ quan trung ương hoặc cơ quan mới "
           "đề xuất) / not an agency of the plan's place")


@dataclass(frozen=True)
class Choice:
    id: str
    name: str
    new: bool = False               # proposed by the importer, not yet in the registry


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def _top(agency: str, parent: dict[str, str | None]) -> str:
    seen = {agency}
    while (up := parent.get(agency)) and up not in seen:
        seen.add(up)
        agency = up
    return agency


def place_choices(session: Session, view: DraftView) -> list[Choice]:
    """The registry's agencies of the draft's place (by name), then the proposed ones."""
    rows = session.exec(select(Agency.id, Agency.name, Agency.parent_id, Agency.level)).all()
    parent = {a: p for a, _, p, _ in rows}
    issuer, place = view.plan.get("issued_by", ""), _fold(view.plan.get("place", ""))
    if issuer in parent:
        tops = {_top(issuer, parent)}
    else:
        tops = {a for a, name, p, _ in rows if p is None and place and place in _fold(name)}
    tops |= {_top(a, parent) for a, _, _, level in rows if level in NATIONAL}
    known = sorted((Choice(a, name) for a, name, _, _ in rows if _top(a, parent) in tops), key=lambda c: _fold(c.name))
    return known + [Choice(p["id"], p["name"] or p["id"], new=True) for p in view.proposed if p["id"]]


def place_problems(view: DraftView, choices: list[Choice], name: str) -> list[Problem]:
    """Each lead or coordinating agency of a row that is not of the plan's place, at the row's line."""
    allowed = {c.id for c in choices}
    out = []
    for task in view.tasks:
        for field, agency in [("tasks.lead", task.lead)] + [("tasks.support", s) for s in task.support]:
            if agency and agency not in allowed:
                out.append(Problem(name, task.line, field, f"'{agency}' {OUTSIDE}"))
    return out
