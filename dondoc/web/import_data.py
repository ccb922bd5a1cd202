"""The web importer's work: an uploaded plan document -> the importer's draft
(with the agency registry and plans of the database), and an edited draft ->
checked exactly like `dondoc load` (all or nothing, file:line problems) ->
applied. Coordinators may add plans of their own agency (or one below it) and
new agencies; changing existing agencies, other plans or policies is for admins.
"""
from __future__ import annotations

import re
import tempfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from dondoc.config.implementing import KnownTree
from dondoc.config.reader import Config, ConfigError, Problem, parse_yaml, read_config
from dondoc.importer import ImportResult, import_plan
from dondoc.store import implementing
from dondoc.store.calendar_days import calendar_of
from dondoc.store.db import session_scope
from dondoc.store.loader import apply_config
from dondoc.store.models import Agency, Plan, Policy
from dondoc.store.reports import subtree
from dondoc.web.import_view import has_aliases
from dondoc.web.models import User
from dondoc.web.scope import scope_for

MAX_UPLOAD = 5 * 1024 * 1024
SUFFIXES = (".txt", ".docx", ".pdf")
LEFTOVER = "cần rà soát rồi xóa trước khi nạp / resolve, then remove it before loading"
_UNSAFE = re.compile(r"[^\w.\- ]+")


def safe_name(filename: str, *, suffix: str = "") -> str:
    """A file name fit to show in "file:line": no folders, no odd characters, not too long;
    `suffix` replaces its extension."""
    path = Path(_UNSAFE.sub("_", Path(filename.replace("\\", "/")).name).strip(" .") or "ke-hoach")
    return path.stem[:80] + (suffix or path.suffix[:10])


def registry(session: Session) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The database's agencies and plans, as the importer reads them from config files."""
    agencies = [dict(id=a.id, name=a.name, level=a.level, parent=a.parent_id, aliases=list(a.aliases))
                for a in session.exec(select(Agency))]
    plans = [dict(id=p.id, number=p.number, issued_on=p.issued_on.isoformat()) for p in session.exec(select(Plan))]
    return agencies, plans


def draft_upload(engine: Engine, *, name: str, data: bytes) -> ImportResult:
    """Run the importer on the uploaded bytes (raises PlanImportError on unreadable input)."""
    with session_scope(engine, write=False) as session:
        agencies, plans = registry(session)
    with tempfile.TemporaryDirectory(prefix="dondoc-import-") as tmp:
        path = Path(tmp) / f"upload{Path(name).suffix.lower()}"
        path.write_bytes(data)
        return import_plan(path, agencies=agencies, plans=plans, source_name=name)


def _leftovers(data: Any, lines: dict[tuple, int], name: str) -> list[Problem]:
    """`review:` and `proposed_agencies:` keys still in the draft, each with its line."""
    if not isinstance(data, dict):
        return []
    found = [("proposed_agencies",)] if "proposed_agencies" in data else []
    plans = data.get("plans") if isinstance(data.get("plans"), list) else []
    for i, plan in enumerate(plans):
        if isinstance(plan, dict):
            found += [("plans", i, "review")] if "review" in plan else []
            tasks = plan.get("tasks") if isinstance(plan.get("tasks"), list) else []
            found += [("plans", i, "tasks", k, "review") for k, task in enumerate(tasks)
                      if isinstance(task, dict) and "review" in task]
    return [Problem(name, lines.get(path, 0), ".".join(str(p) for p in path if not isinstance(p, int)), LEFTOVER)
            for path in found]


def check_draft(text: str, name: str, *, known_agencies: frozenset[str] | dict[str, str | None],
                known_policies: frozenset[str], known_tree: KnownTree | None = None) -> Config:
    """The edited draft checked as `dondoc load` checks a file; raises ConfigError."""
    if has_aliases(text):
        raise ConfigError([Problem(name, 0, "", "bản nháp không được dùng neo/bí danh YAML (&, *) "
                                                "/ YAML anchors and aliases are not accepted")])
    data, lines = parse_yaml(text, name)
    leftovers = _leftovers(data, lines, name)
    if leftovers:
        raise ConfigError(leftovers)
    with tempfile.TemporaryDirectory(prefix="dondoc-draft-") as tmp:
        path = Path(tmp) / name
        path.write_text(text, encoding="utf-8")
        try:
            config = read_config([path], known_agencies=known_agencies, known_policies=known_policies,
                                 known_tree=known_tree)
        except ConfigError as exc:
            raise ConfigError([_renamed(p, str(path), name) for p in exc.problems]) from None
    config.warnings = [_renamed(p, str(path), name) for p in config.warnings]
    return config


def _renamed(problem: Problem, path: str, name: str) -> Problem:
    return replace(problem, file=name) if problem.file == path else problem


def rights_problems(session: Session, config: Config, user: User, name: str) -> list[Problem]:
    """What a coordinator may not load: policies, changes to known agencies, plans outside its agency."""
    if user.role == "admin":
        return []
    out = [Problem(name, loc.line("id"), "escalation_policies", "chỉ quản trị viên được sửa chính sách đôn đốc "
                                                                   "/ only admins change escalation policies")
           for loc in config.policies.values()]
    out += [Problem(name, loc.line("id"), "agencies.id", f"cơ quan '{agency_id}' đã có trong danh mục; chỉ quản trị "
                                                         "viên được sửa / only admins change known agencies")
            for agency_id, loc in config.agencies.items() if session.get(Agency, agency_id) is not None]
    return out + _plan_problems(session, config, user, name)


def _plan_problems(session: Session, config: Config, user: User, name: str) -> list[Problem]:
    scope = scope_for(session, user)
    mine = subtree(session, user.agency_id) if user.agency_id else None
    out = []
    for plan_id, loc in config.plans.items():
        plan = loc.item
        if session.get(Plan, plan_id) is not None and not scope.allows(plan_id):
            out.append(Problem(name, loc.line("id"), "plans.id", f"kế hoạch '{plan_id}' đã có và không thuộc phạm vi "
                                                                 "của bạn / a plan outside your scope"))
        elif mine is not None and not {plan.focal, plan.issued_by} & mine:
            out.append(Problem(name, loc.line("focal"), "plans.focal", "cơ quan đầu mối hoặc ban hành phải là cơ quan "
                                                                        "của bạn hoặc cấp dưới / the plan must be your "
                                                                        "agency's (or one below it)"))
    return out


def load_draft(engine: Engine, *, text: str, name: str, user: User, now: datetime) -> Config:
    """Check the draft and the user's rights, then apply it in one transaction; raises ConfigError."""
    with session_scope(engine, write=False) as session:
        known_agencies = dict(session.exec(select(Agency.id, Agency.parent_id)).all())  # cycles with stored agencies
        known_policies = frozenset(session.exec(select(Policy.id)))
        known_tree = implementing.known_tree(session)
    config = check_draft(text, name, known_agencies=known_agencies, known_policies=known_policies,
                         known_tree=known_tree)
    with session_scope(engine) as session:
        problems = rights_problems(session, config, user, name)
        if problems:
            raise ConfigError(problems)
        apply_config(session, config, now=now, calendar=calendar_of(session), actor=f"web:{user.username}")
    return config
