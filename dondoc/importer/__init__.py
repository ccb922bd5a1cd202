"""Plan documents (.txt, .docx) -> a draft plan config for a coordinator to review.

Contracts:
- `draft_plan(source, agencies=...)` is pure: numbered lines in, ImportResult out.
  Only `import_plan` (and `text.read_source`) read files.
- Every uncertain field carries a review item {field, line: "file:line", reason};
  an agency not in the registry is proposed (flagged), never invented silently.
- Broken input raises PlanImportError (Vietnamese / English message, file and line).
- `output.to_yaml(result)` writes the draft in DESIGN.md's config format.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from dondoc.importer.agencies import Registry
from dondoc.importer.draft import (
    ImportResult,
    PlanDraft,
    ProposedAgency,
    ReportingDraft,
    Review,
    TaskDraft,
    build_draft,
)
from dondoc.importer.errors import PlanImportError
from dondoc.importer.header import read_header
from dondoc.importer.lines import MAX_LINES, MAX_PARAGRAPHS, too_long
from dondoc.importer.output import summary_vi, to_dict, to_yaml
from dondoc.importer.places import plan_place, split_registry
from dondoc.importer.regime import find_regime_node, read_regime
from dondoc.importer.structure import build_tree, paragraphs
from dondoc.importer.tables import split_tables
from dondoc.importer.tasks import find_tasks
from dondoc.importer.text import SourceText, from_text, read_source

__all__ = ["ImportResult", "PlanDraft", "PlanImportError", "ProposedAgency", "ReportingDraft", "Review", "SourceText",
           "TaskDraft", "draft_plan", "from_text", "import_plan", "read_source", "summary_vi", "to_dict", "to_yaml"]


def draft_plan(source: SourceText, *, agencies: Sequence[Mapping[str, Any]],
               plans: Sequence[Mapping[str, Any]] = ()) -> ImportResult:
    """Read a plan's lines into a draft; `agencies` are registry rows (id, name, aliases...),
    `plans` already configured plans (to link `implements`)."""
    if len(source.lines) > MAX_LINES:
        raise too_long(source.name, len(source.lines), MAX_LINES)
    paras = paragraphs(source.lines)
    if len(paras) > MAX_PARAGRAPHS:
        raise too_long(source.name, len(paras), MAX_PARAGRAPHS, "đoạn / paragraphs")
    if not paras:
        raise PlanImportError(source.name, "tệp không có nội dung / the file has no text")
    paras, tables = split_tables(paras)
    root, header_paras = build_tree(paras)
    header = read_header(header_paras, paras)
    place = plan_place(header.issuer, header.place, agencies)
    if place == "":                     # a national plan: the date line's city is not its place
        header = replace(header, place=None)
    inside, outside = split_registry(agencies, place)
    registry, foreign = Registry(inside), Registry(outside, similar=False)
    found = find_tasks(root, registry, home=header.home, tables=tables)
    if not found.tasks:
        raise PlanImportError(source.name, _no_tasks(header.is_plan), paras[0].line)
    node = find_regime_node(root)
    regime = read_regime(node, registry, home=header.home, everything=paras)
    return build_draft(source, header, found, regime, registry, plans, foreign=foreign)


def _no_tasks(is_plan: bool) -> str:
    if not is_plan:
        return ("không phải văn bản kế hoạch: không thấy tiêu đề “KẾ HOẠCH”, số ký hiệu “/KH-” hay mục nhiệm vụ nào "
                "/ not a plan: no title, number or tasks found")
    return ("không tìm thấy nhiệm vụ nào: cần các mục đánh số (1., 1.1., a) ...) có dòng “Chủ trì:”, “Thời gian thực "
            "hiện:” hoặc mục “Trách nhiệm thực hiện” theo từng cơ quan / no tasks found")


def import_plan(path: Path, *, agencies: Sequence[Mapping[str, Any]], source_name: str | None = None,
                plans: Sequence[Mapping[str, Any]] = ()) -> ImportResult:
    """Read a .txt or .docx plan file and draft it (see `draft_plan`)."""
    return draft_plan(read_source(path, source_name), agencies=agencies, plans=plans)
