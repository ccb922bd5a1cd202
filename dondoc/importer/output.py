"""ImportResult -> YAML draft (config format of DESIGN.md, with comments) and a Vietnamese summary (pure).

YAML is written with `yaml.safe_dump(allow_unicode=True, sort_keys=False)`;
comments (the parsed schedule, generic phrases, the implemented plan) are
added as whole lines afterwards, so `yaml.safe_load(draft)` gives back
exactly `to_dict(result)`.
"""
from __future__ import annotations

from typing import Any

import yaml

from dondoc.importer.draft import (
    ImportResult,
    PlanDraft,
    ReportingDraft,
    Review,
    TaskDraft,
)

_WIDTH = 10**6                      # never fold long lines: one field, one line


def _reviews(items: tuple[Review, ...]) -> list[dict[str, str]]:
    return [{"field": r.field, "line": r.line, "reason": r.reason} for r in items]


def task_dict(task: TaskDraft) -> dict[str, Any]:
    out: dict[str, Any] = {"number": task.number, "title": task.title, "text": task.text,
                           "lead": task.lead, "support": list(task.support)}
    if task.timeframe:
        out["timeframe"] = task.timeframe
    if task.indicators:
        out["indicators"] = list(task.indicators)
    out["source"] = task.source
    if task.review:
        out["review"] = _reviews(task.review)
    return out


def _report(r: ReportingDraft) -> dict[str, Any]:
    out: dict[str, Any] = {"name": r.name, "every": r.every, "due": r.due}
    out |= {"day": r.day} if r.day is not None else {}
    out |= {"time": r.time} if r.time is not None else {}
    return out | {"from": r.from_, "to": r.to}


def plan_dict(plan: PlanDraft) -> dict[str, Any]:
    out: dict[str, Any] = {"id": plan.id, "number": plan.number, "title": plan.title, "place": plan.place,
                           "issued_by": plan.issued_by, "issued_on": plan.issued_on, "focal": plan.focal}
    if plan.implements:
        out["implements"] = plan.implements
    out["escalation"] = plan.escalation
    if plan.default_timeframe:
        out["default_timeframe"] = plan.default_timeframe
    out["reporting"] = [_report(r) for r in plan.reporting]
    if plan.review:
        out["review"] = _reviews(plan.review)
    out["tasks"] = [task_dict(t) for t in plan.tasks]
    return out


def to_dict(result: ImportResult) -> dict[str, Any]:
    out: dict[str, Any] = {"plans": [plan_dict(result.plan)]}
    if result.proposed_agencies:
        out["proposed_agencies"] = [
            {"id": p.id, "name": p.name, "level": p.level, "parent": None, "email": None, "aliases": list(p.aliases),
             "source": p.source, "used_by": list(p.used_by), "reason": p.reason}
            for p in result.proposed_agencies]
    return out


def _dump(data: Any) -> list[str]:
    # default_flow_style=None: lists of ids and review items on one line each, mappings of mappings in blocks.
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=_WIDTH, default_flow_style=None).splitlines()


def _insert(lines: list[str], key: str, comments: list[str], *, after: bool) -> list[str]:
    """Put comment lines before/after the first line starting with `key`, at its indentation."""
    for i, line in enumerate(lines):
        if line.lstrip("- ").startswith(key) and comments:
            pad = " " * (len(line) - len(line.lstrip(" -")))
            block = [f"{pad}# {c}" for c in comments]
            return lines[: i + 1] + block + lines[i + 1:] if after else lines[:i] + block + lines[i:]
    return lines


def _task_lines(task: TaskDraft) -> list[str]:
    lines = _dump([task_dict(task)])
    if task.also_named:
        lines = _insert(lines, "support:", [f"cũng ghi (không phải cơ quan cụ thể): {'; '.join(task.also_named)}"], after=True)
    if task.schedule:
        lines = _insert(lines, "timeframe:", [task.schedule], after=True)
    return ["  " + line if line.strip() else "" for line in lines]


def _header(result: ImportResult) -> list[str]:
    return [f"# Bản nháp kế hoạch do `dondoc import-plan` tạo từ {result.source}.",
            f"# Cần rà soát {result.flagged} điểm (các khóa `review:`): sửa nội dung nếu cần rồi xóa khóa `review` "
            "trước khi chạy `dondoc load`.",
            "# `proposed_agencies`: cơ quan chưa có trong danh mục; bổ sung email, cấp trên rồi chuyển vào `agencies:`."]


def to_yaml(result: ImportResult) -> str:
    """The draft as YAML text with explanatory comments."""
    data = to_dict(result)
    plan = dict(data["plans"][0], tasks=[])
    lines = _dump({"plans": [plan]})
    if result.plan.implements_text:
        lines = _insert(lines, "escalation:", [result.plan.implements_text], after=False)
    if result.plan.onward_report:
        lines = _insert(lines, "reporting:", [f"Cơ quan đầu mối tổng hợp, báo cáo: {result.plan.onward_report}"], after=False)
    body = [line for line in lines if line != "  tasks: []"] + ["  tasks:"]
    for task in result.plan.tasks:
        body += _task_lines(task)
    if "proposed_agencies" in data:
        body += _dump({"proposed_agencies": data["proposed_agencies"]})
    return "\n".join(_header(result) + body) + "\n"


def summary_vi(result: ImportResult) -> str:
    """What the coordinator sees on the terminal."""
    plan = result.plan
    issued = f" ngày {plan.issued_on:%d/%m/%Y}" if plan.issued_on else ""
    plan_flags = len(plan.review)
    reports = ", ".join(f"{r.name} {r.due or '?'}" for r in plan.reporting)
    lines = [
        f"Đã đọc {result.source}: kế hoạch số {plan.number or '(không rõ)'}{issued}",
        f"  Nhiệm vụ tìm thấy: {len(plan.tasks)} (chưa có cơ quan chủ trì: {sum(1 for t in plan.tasks if not t.lead)})",
        f"  Cơ quan khớp với danh mục: {len(result.matched_agencies)} (khớp gần đúng: {result.fuzzy_matches})",
        f"  Cơ quan đề xuất mới: {len(result.proposed_agencies)}"
        + (f" — {'; '.join(p.name for p in result.proposed_agencies)}" if result.proposed_agencies else ""),
        f"  Điểm cần rà soát: {result.flagged} (kế hoạch: {plan_flags}, nhiệm vụ: {result.flagged - plan_flags})",
        f"  Báo cáo định kỳ: {reports or 'không thấy'}",
        f"  Cơ quan đầu mối: {plan.focal or '(chưa xác định)'}; cơ quan ban hành: {plan.issued_by or '(chưa xác định)'}",
    ]
    return "\n".join(lines)
