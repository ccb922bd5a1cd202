"""Tasks found in a plan, before agency ids are settled (pure).

`find_tasks(root, registry, home)` reads the sections of a plan:
- purpose sections (MỤC ĐÍCH, YÊU CẦU, MỤC TIÊU, QUAN ĐIỂM): skipped;
- content sections (NỘI DUNG, NHIỆM VỤ, GIẢI PHÁP...): the commune shape, see content.py;
  a content section that assigns nothing at all (the province's "NHIỆM VỤ
  TRỌNG TÂM") is a list of priorities: reported in the plan's review, not imported;
- TỔ CHỨC THỰC HIỆN: duties per agency (the province shape), see duties.py;
  its funding and reporting subsections are not tasks.
If nothing assigns anything, the content leaves are imported without leads
(flagged) rather than returning an empty plan.
"""
from __future__ import annotations

from collections.abc import Sequence

from dondoc.importer.agencies import Registry
from dondoc.importer.content import content_tasks
from dondoc.importer.duties import heading_tasks, organisation_tasks
from dondoc.importer.model import (
    Context,
    Found,
    Note,
    Signal,
    Task,
    make_title,
    section_kind,
    unique_numbers,
)
from dondoc.importer.pointers import pointed_tasks
from dondoc.importer.restated import drop_restatements
from dondoc.importer.structure import Node
from dondoc.importer.tables import TaskTable, table_tasks

__all__ = ["Context", "Found", "Note", "Signal", "Task", "find_tasks", "make_title", "section_kind"]


def find_tasks(root: Node, registry: Registry, *, home: str = "", tables: Sequence[TaskTable] = ()) -> Found:
    ctx, found = Context(registry, home, root), Found()
    sections = [c for c in root.children if c.kind == "roman"] or [root]
    content = [s for s in sections if s is root or section_kind(s) == "content"]
    for i, section in enumerate(content):
        prefix = "" if i == 0 else f"{section.label}."
        if not content_tasks(section, ctx, found, prefix=prefix, quiet=True):
            heading_tasks(section, ctx, found) or content_tasks(section, ctx, found, prefix=prefix)
    for section in sections:
        if section is not root and section_kind(section) == "organisation":
            organisation_tasks(section, ctx, found)
    if found.pointed:
        pointed = pointed_tasks(found)
        targets = {t.line for t in pointed}
        found.tasks = [t for t in found.tasks if t.line not in targets] + pointed
    if tables:
        rows = table_tasks(list(tables), ctx)
        found.tasks = drop_restatements(found.tasks, rows, found) + rows
    if not found.tasks and found.general:
        found.tasks, found.general = found.general, []
    if not found.tasks:
        for i, section in enumerate(content):
            content_tasks(section, ctx, found, prefix="" if i == 0 else f"{section.label}.", force=True)
    found.tasks = unique_numbers(found.tasks)
    return found
