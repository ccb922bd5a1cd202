"""`implementing_plans:` of a plan (issue 17): the agencies that must issue
their own plan implementing it, and by when.

    implementing_plans: {by: [ubnd-xa-a, "children of ubnd-tinh"], level: commune, due: "Quý I/2026"}

(a list of such mappings is accepted too). Checked with the rest of the
config: every id resolves; "children of X" is X's direct subordinates in the
agency tree of the files and the database together (X may sit at any depth),
or, with `level`, every agency of those levels below X at any depth (the
communes of a province, among its departments, with or without districts
between); the due date is a date or a phrase that reads as one deadline;
an agency is listed once per plan; `implements:` never makes a circle.
Pure: the database's part of the trees comes in as a `KnownTree`.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, field_validator

from dondoc.config.problems import Config, Located, Problem
from dondoc.engine.timeframes import Deadline, TimeframeError, parse_timeframe

_ID = r"[a-z0-9][a-z0-9-]*"
CHILDREN = re.compile(rf"^children of\s+({_ID})$")
_BY = re.compile(rf"^({_ID}|children of\s+{_ID})$")


class ImplementingIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    by: list[str]
    due: date | str
    level: list[str] = []

    @field_validator("by")
    @classmethod
    def _valid_by(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("cần ít nhất một cơ quan / at least one agency is needed")
        bad = [b for b in v if not _BY.match(b)]
        if bad:
            raise ValueError(f"'{bad[0]}' không phải mã cơ quan hay 'children of <mã>' "
                             "/ expected an agency id or 'children of <agency id>'")
        return v

    @field_validator("due", mode="before")
    @classmethod
    def _written(cls, v: Any) -> Any:
        if v is None or (isinstance(v, str) and not v.strip()):
            raise ValueError("thiếu hạn ban hành kế hoạch / the due date of implementing plans is missing")
        if not isinstance(v, (date, str)):
            raise ValueError(f"hạn '{v}' cần là ngày hoặc cụm từ thời hạn / expected a date or a timeframe phrase")
        return v

    @field_validator("level", mode="before")
    @classmethod
    def _one_or_more(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v


def _listed(value: Any) -> Any:
    return [value] if isinstance(value, dict) else value


# One mapping or a list of them; read as a list.
ImplementingPlans = Annotated[list[ImplementingIn], BeforeValidator(_listed)]


Tree = Mapping[str, tuple[str | None, str, bool]]  # agency id -> (parent id, level, active)


@dataclass(frozen=True)
class KnownTree:
    """What the database already holds: agency -> (parent, level, active), plan -> implements."""

    agencies: Tree = field(default_factory=dict)
    implements: Mapping[str, str | None] = field(default_factory=dict)


def entries(plan: Any, lines: Located | None = None) -> list[tuple[tuple, ImplementingIn]]:
    """(path of the entry in the plan's YAML, entry) for each `implementing_plans` mapping."""
    found = list(getattr(plan, "implementing_plans", None) or [])
    listed = lines is not None and lines.lines.get(lines.path + ("implementing_plans", 0)) is not None
    return [(("implementing_plans", i) if listed else ("implementing_plans",), e) for i, e in enumerate(found)]


def agency_tree(config: Config, known: KnownTree) -> dict[str, tuple[str | None, str, bool]]:
    tree = dict(known.agencies)
    tree.update({a: (loc.item.parent, loc.item.level, loc.item.active) for a, loc in config.agencies.items()})
    return tree


def children(tree: Tree, parent: str, levels: Iterable[str] = ()) -> list[str]:
    """Without `levels`, `parent`'s direct subordinates; with them, every agency
    of those levels below `parent` at any depth (the communes of a province
    whether or not districts stand between), the subtree walked once. An
    inactive agency is never asked (a district abolished in 2025 is walked
    through, not asked)."""
    wanted = set(levels)
    below: dict[str | None, list[str]] = {}
    for a, (p, _, _) in tree.items():
        below.setdefault(p, []).append(a)
    if not wanted:
        return sorted(a for a in below.get(parent, []) if tree[a][2])
    found, seen, stack = set(), {parent}, list(below.get(parent, []))
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if tree[node][1] in wanted and tree[node][2]:
            found.add(node)
        stack.extend(below.get(node, []))
    return sorted(found)


def expand(entry: ImplementingIn, tree: Tree) -> list[str]:
    """The agencies an entry names, in its order, each once."""
    out: list[str] = []
    for item in entry.by:
        m = CHILDREN.match(item)
        for agency in children(tree, m.group(1), entry.level) if m else [item]:
            if agency not in out:
                out.append(agency)
    return out


def due_of(entry: ImplementingIn, *, issued_on: date) -> date:
    """The obligation's deadline; raises ValueError (Vietnamese / English) if
    the phrase is not one deadline."""
    if isinstance(entry.due, date):
        return entry.due
    try:
        return date.fromisoformat(entry.due)
    except ValueError:
        pass
    schedule = parse_timeframe(entry.due, plan_year=issued_on.year, issued_on=issued_on)
    deadlines = [p for p in schedule.parts if isinstance(p, Deadline)]
    if len(schedule.parts) != 1 or not deadlines:
        raise ValueError(f"hạn ban hành kế hoạch “{entry.due}” phải là một ngày (ví dụ “Quý I/2026”, “trước ngày "
                         f"30/12/2025”, 2025-12-30) / the due date of implementing plans must be one date")
    return deadlines[0].due


def check(config: Config, agencies: set[str], known: KnownTree) -> list[Problem]:
    tree = agency_tree(config, known)
    problems: list[Problem] = []
    for loc in config.plans.values():
        problems += _check_plan(loc, agencies, tree)
    return problems + _cycles(config, known)


def _check_plan(loc: Located, agencies: set[str], tree: Tree) -> list[Problem]:
    problems, seen = [], set()
    for path, entry in entries(loc.item, loc):
        for j, item in enumerate(entry.by):
            problems += _check_by(loc, path + ("by", j), entry, item, agencies, tree)
        for agency in expand(entry, tree):
            if agency in seen:
                problems.append(Problem(loc.file, loc.line(*path, "by"), "plans.implementing_plans.by",
                                        f"cơ quan '{agency}' được giao hai lần / agency listed twice"))
            seen.add(agency)
        try:
            due_of(entry, issued_on=loc.item.issued_on)
        except (TimeframeError, ValueError) as exc:
            problems.append(Problem(loc.file, loc.line(*path, "due"), "plans.implementing_plans.due", str(exc)))
    return problems


def _check_by(loc: Located, path: tuple, entry: ImplementingIn, item: str, agencies: set[str],
              tree: Tree) -> list[Problem]:
    m = CHILDREN.match(item)
    agency = m.group(1) if m else item
    where = (loc.file, loc.line(*path), "plans.implementing_plans.by")
    if agency not in agencies:
        return [Problem(*where, f"mã cơ quan '{agency}' không tồn tại / unknown agency id")]
    if m and not children(tree, agency, entry.level):
        levels = f" (cấp {', '.join(entry.level)})" if entry.level else ""
        return [Problem(*where, f"'{agency}' không có cơ quan cấp dưới nào{levels} / no subordinate agency to ask")]
    return []


def _cycles(config: Config, known: KnownTree) -> list[Problem]:
    """A plan that, through `implements:`, ends up implementing itself."""
    parent = dict(known.implements)
    parent.update({p: loc.item.implements for p, loc in config.plans.items()})
    problems = []
    for plan_id, loc in config.plans.items():
        chain, node = [plan_id], parent.get(plan_id)
        while node is not None and node not in chain:
            chain.append(node)
            node = parent.get(node)
        if node == plan_id:
            problems.append(Problem(loc.file, loc.line("implements"), "plans.implements",
                                    f"vòng lặp kế hoạch thực hiện: {' -> '.join(chain + [plan_id])} "
                                    "/ a plan cannot implement itself through others"))
    return problems
