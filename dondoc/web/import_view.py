"""What the import page shows of a draft: the plan's facts, a table of its
tasks (lead, coordinating agencies, timeframe) and every flagged field with
the document line it came from and its line in the draft. Built from the
YAML text, so it shows the draft as edited; a draft that does not parse
shows no table (its errors are listed instead). Pure: no database."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import yaml

from dondoc.config.reader import ConfigError, parse_yaml
from dondoc.engine.timeframes import Continuous, Deadline, OnEvent, Recurring, TimeframeError, parse_timeframe


@dataclass(frozen=True)
class Flag:
    field: str
    source: str                     # "document.txt:12", "" when nothing to point at
    reason: str
    line: int                       # its line in the draft, 0 if unknown


@dataclass(frozen=True)
class When:
    """One part of the schedule a timeframe parses to, for the page to word: kind is due (text: the date),
    every (text: month / quarter / half_year / year, day: "10/05" or "20" or ""), continuous, event or error
    (text: the parser's bilingual message); warning carries the parser's doubts."""
    kind: str
    text: str = ""
    day: str = ""


@dataclass(frozen=True)
class TaskRow:
    number: str
    title: str
    lead: str
    support: tuple[str, ...]
    timeframe: str
    flags: tuple[Flag, ...]
    index: int = 0
    schedule: tuple[When, ...] = ()
    line: int = 0                   # its first and last lines in the draft: a problem between them is this row's
    end: int = 0

    @property
    def flagged_fields(self) -> frozenset[str]:
        return frozenset(f.field for f in self.flags)


@dataclass(frozen=True)
class DraftView:
    plan: dict[str, str]
    plan_flags: tuple[Flag, ...]
    tasks: tuple[TaskRow, ...]
    proposed: tuple[dict[str, str], ...]

    @property
    def flagged(self) -> int:
        return len(self.plan_flags) + sum(len(t.flags) for t in self.tasks)


def by_row(view: DraftView, problems: list[Any]) -> tuple[list[Any], dict[int, list[Any]]]:
    """Problems (with a draft line) split into those of a task row, by row index, and the rest."""
    rows: dict[int, list[Any]] = {}
    rest = []
    for problem in problems:
        row = next((t.index for t in view.tasks if t.line <= problem.line <= t.end), None)
        if row is None:
            rest.append(problem)
        else:
            rows.setdefault(row, []).append(problem)
    return rest, rows


PLAN_FACTS = ("id", "number", "title", "place", "issued_by", "issued_on", "focal")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _mapping(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def _flags(items: Any, lines: dict[tuple, int], path: tuple) -> tuple[Flag, ...]:
    return tuple(Flag(_text(_mapping(r).get("field")), _text(_mapping(r).get("line")), _text(_mapping(r).get("reason")),
                      lines.get(path + (k,), 0)) for k, r in enumerate(_items(items)))


def _part(part: Any) -> When:
    if isinstance(part, Deadline):
        return When("due", f"{part.due:%d/%m/%Y}")
    if isinstance(part, Recurring):
        day = f"{part.day:02d}/{part.month:02d}" if part.day and part.month else (str(part.day) if part.day else "")
        return When("every", part.every, day)
    return When("continuous") if isinstance(part, Continuous) else When("event")


def schedule_of(timeframe: str, issued_on: Any) -> tuple[When, ...]:
    """What the engine will track for a timeframe: its parts, its warnings, or why it cannot be read."""
    if not timeframe:
        return ()
    if not isinstance(issued_on, date):
        return (When("error", "chưa có ngày ban hành nên chưa đọc được thời hạn / no issue date, so no schedule yet"),)
    try:
        schedule = parse_timeframe(timeframe, plan_year=issued_on.year, issued_on=issued_on)
    except TimeframeError as exc:
        return (When("error", str(exc)),)
    return tuple(_part(p) for p in schedule.parts if isinstance(p, (Deadline, Recurring, Continuous, OnEvent))) + tuple(
        When("warning", w) for w in schedule.warnings)


def _task(task: dict[Any, Any], lines: dict[tuple, int], path: tuple, index: int, issued_on: Any) -> TaskRow:
    timeframe = _text(task.get("timeframe"))
    return TaskRow(number=_text(task.get("number")), title=_text(task.get("title")), lead=_text(task.get("lead")),
                   support=tuple(_text(s) for s in _items(task.get("support"))),
                   timeframe=timeframe, flags=_flags(task.get("review"), lines, path + ("review",)), index=index,
                   schedule=schedule_of(timeframe, issued_on), line=lines.get(path, 0),
                   end=max((n for p, n in lines.items() if p[:len(path)] == path), default=0))


def _proposed(data: dict[Any, Any]) -> tuple[dict[str, str], ...]:
    return tuple({k: _text(_mapping(p).get(k)) for k in ("id", "name", "reason", "source", "parent", "level")}
                 | {"used_by": ", ".join(_text(u) for u in _items(_mapping(p).get("used_by")))}
                 for p in _items(data.get("proposed_agencies")))


def has_aliases(text: str) -> bool:
    """YAML anchors and aliases: a draft never needs them, and a few nested ones
    ("billion laughs") would keep the config reader busy for hours."""
    try:
        return any(isinstance(t, (yaml.AliasToken, yaml.AnchorToken)) for t in yaml.scan(text))
    except yaml.YAMLError:
        return False                # the config reader reports the syntax error with its line


def draft_view(text: str, name: str) -> DraftView | None:
    """The first plan of the draft, or None when the YAML does not parse (or uses aliases)."""
    if has_aliases(text):
        return None
    try:
        data, lines = parse_yaml(text, name)
    except ConfigError:
        return None
    data = _mapping(data)
    plan = _mapping((_items(data.get("plans")) or [None])[0])
    base = ("plans", 0)
    tasks = tuple(_task(t, lines, base + ("tasks", i), i, plan.get("issued_on"))
                  for i, t in enumerate(_items(plan.get("tasks"))) if isinstance(t, dict))
    return DraftView(plan={k: _text(plan.get(k)) for k in PLAN_FACTS}, plan_flags=_flags(plan.get("review"), lines,
                                                                                        base + ("review",)),
                     tasks=tasks, proposed=_proposed(data))
