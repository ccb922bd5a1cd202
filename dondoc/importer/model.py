"""What the task readers produce and share (pure): tasks, notes, focal-agency signals, the reading context."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from dondoc.importer.agencies import Registry
from dondoc.importer.names import NameRef
from dondoc.importer.structure import Node
from dondoc.importer.vn import fold

_PURPOSE = ("muc dich", "yeu cau", "muc tieu", "quan diem", "can cu", "ket qua")
_ORGANISATION = ("to chuc thuc hien", "trach nhiem", "phan cong")


@dataclass(frozen=True)
class Note:
    field: str
    line: int
    reason: str


@dataclass(frozen=True)
class Task:
    number: str
    title: str
    text: str
    line: int
    lead: NameRef | None = None
    lead_line: int = 0
    co_leads: tuple[NameRef, ...] = ()
    support: tuple[NameRef, ...] = ()
    also_named: tuple[str, ...] = ()        # generic phrases: nobody to remind
    support_line: int = 0
    timeframe: str | None = None
    timeframe_line: int = 0
    indicators: tuple[int, ...] = ()
    notes: tuple[Note, ...] = ()
    from_table: bool = False                # a row of a task table (an appendix)


@dataclass(frozen=True)
class Signal:
    """Evidence of the focal agency: 'đầu mối', or who compiles the reports."""

    kind: str                               # dau-moi | tong-hop
    ref: NameRef
    line: int


@dataclass
class Found:
    tasks: list[Task] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    signals: list[Signal] = field(default_factory=list)
    general: list[Task] = field(default_factory=list)     # inline duties of "Phân công"
    pointed: list[tuple[int, Node, NameRef, int]] = field(default_factory=list)   # (depth, target, lead, line)


@dataclass(frozen=True)
class Context:
    registry: Registry
    home: str = ""
    root: Node | None = None                # the plan's tree, for duties that point to one of its sections


def section_kind(node: Node) -> str:
    title = fold(node.title).strip()
    if title.startswith(_PURPOSE):
        return "purpose"
    if title.startswith(_ORGANISATION):
        return "organisation"
    return "content"


def make_title(text: str, limit: int = 160) -> str:
    """The first sentence, cut at a comma or a space near `limit` characters."""
    first = re.split(r"(?<=[.;!?])\s|:\s*$", text.strip(), maxsplit=1)[0].strip().rstrip(".;:")
    if len(first) <= limit:
        return first
    cut = first[:limit]
    at = cut.rfind(", ") if cut.rfind(", ") > limit // 2 else cut.rfind(" ")
    return cut[:at].rstrip(" ,") + "…"


def unique_numbers(tasks: list[Task]) -> list[Task]:
    """A number used twice gets '#2', '#3' and a note (numbers are task keys)."""
    seen: dict[str, int] = {}
    out = []
    for task in tasks:
        seen[task.number] = seen.get(task.number, 0) + 1
        if seen[task.number] > 1:
            note = Note("number", task.line, f"Số hiệu {task.number} bị trùng trong văn bản; tạm đặt "
                                             f"{task.number}#{seen[task.number]}, hãy sửa lại")
            task = Task(**{**task.__dict__, "number": f"{task.number}#{seen[task.number]}",
                           "notes": task.notes + (note,)})
        out.append(task)
    return out
