"""What the import page shows of a draft: the plan's facts, a table of its
tasks (lead, coordinating agencies, timeframe) and every flagged field with
the document line it came from and its line in the draft. Built from the
YAML text, so it shows the draft as edited; a draft that does not parse
shows no table (its errors are listed instead). Pure: no database."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from dondoc.config.reader import ConfigError, parse_yaml


@dataclass(frozen=True)
class Flag:
    field: str
    source: str                     # "document.txt:12", "" when nothing to point at
    reason: str
    line: int                       # its line in the draft, 0 if unknown


@dataclass(frozen=True)
class TaskRow:
    number: str
    title: str
    lead: str
    support: tuple[str, ...]
    timeframe: str
    flags: tuple[Flag, ...]

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


PLAN_FACTS = ("id", "number", "title", "issued_by", "issued_on", "focal")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _mapping(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def _flags(items: Any, lines: dict[tuple, int], path: tuple) -> tuple[Flag, ...]:
    return tuple(Flag(_text(_mapping(r).get("field")), _text(_mapping(r).get("line")), _text(_mapping(r).get("reason")),
                      lines.get(path + (k,), 0)) for k, r in enumerate(_items(items)))


def _task(task: dict[Any, Any], lines: dict[tuple, int], path: tuple) -> TaskRow:
    return TaskRow(number=_text(task.get("number")), title=_text(task.get("title")), lead=_text(task.get("lead")),
                   support=tuple(_text(s) for s in _items(task.get("support"))),
                   timeframe=_text(task.get("timeframe")), flags=_flags(task.get("review"), lines, path + ("review",)))


def _proposed(data: dict[Any, Any]) -> tuple[dict[str, str], ...]:
    return tuple({k: _text(_mapping(p).get(k)) for k in ("id", "name", "reason", "source")}
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
    tasks = tuple(_task(t, lines, base + ("tasks", i)) for i, t in enumerate(_items(plan.get("tasks")))
                  if isinstance(t, dict))
    return DraftView(plan={k: _text(plan.get(k)) for k in PLAN_FACTS}, plan_flags=_flags(plan.get("review"), lines,
                                                                                        base + ("review",)),
                     tasks=tasks, proposed=_proposed(data))
