"""Cross-file checks of a parsed config: references, cycles, timeframes."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from dondoc.config import implementing
from dondoc.config.problems import Config, Located, Problem
from dondoc.config.schema import PlanIn
from dondoc.engine.reporting import Reporting, reporting_periods
from dondoc.engine.timeframes import TimeframeError, parse_timeframe

_TOKENS = ("lead", "support", "focal", "issuer")


def check(config: Config, known_agencies: Iterable[str] | Mapping[str, str | None] = (),
          known_policies: Iterable[str] = (), known_tree: implementing.KnownTree | None = None) -> list[Problem]:
    """`known_agencies`: the database's agency ids, or better its tree (id -> parent id), so that a cycle
    made of stored agencies and the files' ones is found before it is loaded."""
    agencies = set(config.agencies) | set(known_agencies)
    policies = set(config.policies) | set(known_policies)
    known_parents = dict(known_agencies) if isinstance(known_agencies, Mapping) else {}
    problems = _check_agencies(config, agencies, known_parents)
    problems += _check_policies(config, agencies)
    for located in config.plans.values():
        problems += _check_plan(config, located, agencies, policies)
    return problems + implementing.check(config, agencies, known_tree or implementing.KnownTree())


def _unknown(agencies: set[str], agency_id: str | None) -> bool:
    return agency_id is not None and agency_id not in agencies


def _check_agencies(config: Config, agencies: set[str], known_parents: dict[str, str | None]) -> list[Problem]:
    problems = []
    for loc in config.agencies.values():
        if _unknown(agencies, loc.item.parent):
            problems.append(Problem(loc.file, loc.line("parent"), "agencies.parent",
                                    f"cơ quan cấp trên '{loc.item.parent}' không tồn tại / unknown agency"))
    for cycle_start, cycle in _cycles(config, known_parents):
        loc = config.agencies[cycle_start]
        path = " -> ".join(_ordered(cycle, cycle_start, {**known_parents, **_file_parents(config)}))
        problems.append(Problem(loc.file, loc.line("parent"), "agencies.parent",
                                f"vòng lặp trong cây cơ quan qua '{cycle_start}' ({path}) / cycle in the agency tree"))
    return problems


def _file_parents(config: Config) -> dict[str, str | None]:
    return {a: loc.item.parent for a, loc in config.agencies.items()}


def _ordered(cycle: frozenset[str], start: str, parent: dict[str, str | None]) -> list[str]:
    out, node = [start], parent.get(start)
    while node is not None and node != start and len(out) <= len(cycle):
        out.append(node)
        node = parent.get(node)
    return out + [start]


def _cycles(config: Config, known_parents: dict[str, str | None]) -> list[tuple[str, frozenset[str]]]:
    """Cycles of the tree as it will be after the load (the database's parents, overridden by the files'),
    each named by its smallest agency id among those in the files."""
    parent = {**known_parents, **_file_parents(config)}
    reported: set[str] = set()
    found = []
    for start in config.agencies:
        seen: list[str] = []
        node: str | None = start
        while node is not None and node in parent and node not in seen:
            seen.append(node)
            node = parent[node]
        if node is not None and node in seen:
            cycle = frozenset(seen[seen.index(node):])
            if not cycle & reported and cycle & set(config.agencies):
                reported |= cycle
                found.append((min(cycle & set(config.agencies)), cycle))
    return found


def _check_policies(config: Config, agencies: set[str]) -> list[Problem]:
    problems = []
    for loc in config.policies.values():
        for i, step in enumerate(loc.item.steps):
            for key in ("notify", "cc"):
                for j, who in enumerate(getattr(step, key)):
                    if who.split(".")[0] not in _TOKENS and who not in agencies:
                        problems.append(Problem(loc.file, loc.line("steps", i, key, j), f"escalation_policies.steps.{key}",
                                                f"'{who}' không phải lead/support/focal/issuer hay mã cơ quan đã khai báo / unknown recipient"))
    return problems


def _ref(loc: Located, path: tuple, field: str, value: str | None, agencies: set[str]) -> list[Problem]:
    if _unknown(agencies, value):
        return [Problem(loc.file, loc.line(*path), field, f"mã cơ quan '{value}' không tồn tại / unknown agency id")]
    return []


def _check_plan(config: Config, loc: Located, agencies: set[str], policies: set[str]) -> list[Problem]:
    plan: PlanIn = loc.item
    problems = _ref(loc, ("issued_by",), "plans.issued_by", plan.issued_by, agencies)
    problems += _ref(loc, ("focal",), "plans.focal", plan.focal, agencies)
    if plan.escalation not in policies:
        problems.append(Problem(loc.file, loc.line("escalation"), "plans.escalation",
                                f"chính sách đôn đốc '{plan.escalation}' không tồn tại / unknown escalation policy"))
    if plan.implements and plan.implements not in config.plans:
        config.warnings.append(Problem(loc.file, loc.line("implements"), "plans.implements",
                                       f"kế hoạch cấp trên '{plan.implements}' chưa được nạp / parent plan not loaded"))
    problems += _check_reporting(config, loc, agencies)
    seen: dict[str, int] = {}
    for i, task in enumerate(plan.tasks):
        if task.number in seen:
            problems.append(Problem(loc.file, loc.line("tasks", i, "number"), "tasks.number",
                                    f"số hiệu nhiệm vụ '{task.number}' bị trùng (dòng {seen[task.number]}) / duplicate task number"))
        seen.setdefault(task.number, loc.line("tasks", i, "number"))
        problems += _ref(loc, ("tasks", i, "lead"), "tasks.lead", task.lead, agencies)
        for j, s in enumerate(task.support):
            problems += _ref(loc, ("tasks", i, "support", j), "tasks.support", s, agencies)
        problems += _check_timeframe(config, loc, i)
    for i, ind in enumerate(plan.indicators):  # issue 16
        problems += [q for j, a in enumerate(ind.agencies)
                     for q in _ref(loc, ("indicators", i, "agencies", j), "indicators.agencies", a, agencies)]
    return problems


def _check_reporting(config: Config, loc: Located, agencies: set[str]) -> list[Problem]:
    problems = []
    for i, rep in enumerate(loc.item.reporting):
        senders = [] if rep.from_ == "leads" else ([rep.from_] if isinstance(rep.from_, str) else rep.from_)
        for s in senders:
            problems += _ref(loc, ("reporting", i, "from"), "reporting.from", s, agencies)
        if rep.to != "focal":
            problems += _ref(loc, ("reporting", i, "to"), "reporting.to", rep.to, agencies)
        _warn_not_owed(config, loc, i)
    return problems


def _warn_not_owed(config: Config, loc: Located, i: int) -> None:
    """Report periods due before the plan was issued are created waived: say so at load."""
    plan: PlanIn = loc.item
    rep = plan.reporting[i]
    starts, ends = plan.span()
    entry = Reporting.of(rep.model_dump(by_alias=True))
    early = [p.due for p in reporting_periods(entry, starts_on=starts, ends_on=ends) if p.due and p.due < plan.issued_on]
    if early:
        days = ", ".join(f"{d:%d/%m/%Y}" for d in early[:3]) + (" …" if len(early) > 3 else "")
        config.warnings.append(Problem(loc.file, loc.line("reporting", i, "due"), "reporting.due",
                                         f"'{rep.name}': kỳ {days} trước ngày ban hành kế hoạch "
                                         f"({plan.issued_on:%d/%m/%Y}), không phải báo cáo (miễn thực hiện) / "
                                         "due before the plan was issued: not owed"))


def _check_timeframe(config: Config, loc: Located, i: int) -> list[Problem]:
    plan: PlanIn = loc.item
    task = plan.tasks[i]
    phrase = task.timeframe or plan.default_timeframe
    line = loc.line("tasks", i, "timeframe") if task.timeframe else loc.line("tasks", i)
    if task.due is not None:
        if task.due < plan.issued_on:
            config.warnings.append(Problem(loc.file, loc.line("tasks", i, "due"), "tasks.due",
                                           f"nhiệm vụ {task.number}: hạn {task.due:%d/%m/%Y} trước ngày ban hành / due before the plan was issued"))
        if not phrase:
            return []
    if not phrase:
        return [Problem(loc.file, line, "tasks.timeframe",
                        f"nhiệm vụ {task.number} thiếu thời gian thực hiện (timeframe) hoặc hạn (due) / needs a timeframe or a due date")]
    try:
        schedule = parse_timeframe(phrase, plan_year=plan.span()[0].year, issued_on=plan.issued_on,
                                   ends_on=plan.span()[1])
    except TimeframeError as exc:
        if task.due is not None:
            return []
        return [Problem(loc.file, line, "tasks.timeframe", str(exc))]
    config.schedules[(plan.id, task.number)] = schedule
    for w in schedule.warnings:
        config.warnings.append(Problem(loc.file, line, "tasks.timeframe", f"nhiệm vụ {task.number}: {w}"))
    return []
