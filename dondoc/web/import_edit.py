"""The review table's form -> the edited draft (pure: no database, no clock).

The table posts the draft it was drawn from (hidden) and one set of fields
per row: `number-3`, `title-3`, `lead-3`, `support-3` (several), `timeframe-3`,
`clear-3-0` (flag 0 of task 3 reviewed), plan facts `plan-number`, ... and
`clear-plan-0`, new agencies `agency-0-email` / `agency-0-parent`. The edits
are applied to the draft's data and the result dumped back as YAML, so the
table and the YAML view always show the same draft and a load checks that
YAML exactly as `dondoc load` would. A new agency given an email moves from
`proposed_agencies:` to `agencies:`; one that nothing refers to any more is
dropped; a flag leaves the draft only when its box is ticked."""
from __future__ import annotations

from datetime import date
from typing import Any

import yaml

from dondoc.web.import_view import has_aliases

PLAN_FIELDS = ("number", "title", "issued_on", "issued_by", "focal")
TASK_FIELDS = ("number", "title", "lead", "timeframe")
_WIDTH = 10**6


class Form:
    """The posted fields: `get(name)` the last value ("" when absent), `all(name)` every value."""

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self.items = items
        self.names = {k for k, _ in items}

    def get(self, name: str) -> str:
        return next((v for k, v in reversed(self.items) if k == name), "").strip()

    def all(self, name: str) -> list[str]:
        return [v.strip() for k, v in self.items if k == name and v.strip()]

    def has(self, name: str) -> bool:
        return name in self.names


def dump(data: Any) -> str:
    """The draft as YAML, one field per line, lists of ids and review items on one line each."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=_WIDTH, default_flow_style=None)


def _set(item: dict[str, Any], key: str, value: str, *, empty: Any = None) -> None:
    item[key] = value if value else empty


def _unflag(item: dict[str, Any], form: Form, prefix: str) -> None:
    review = item.get("review")
    if not isinstance(review, list):
        return
    kept = [r for k, r in enumerate(review) if not form.get(f"clear-{prefix}-{k}")]
    if kept:
        item["review"] = kept
    else:
        item.pop("review")


def _date(text: str) -> date | str:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return text                 # kept as typed: the check says what is wrong with it, at its line


def _edit_plan(plan: dict[str, Any], form: Form) -> None:
    for key in PLAN_FIELDS:
        if form.has(f"plan-{key}"):
            _set(plan, key, form.get(f"plan-{key}"), empty="" if key == "number" else None)
    if isinstance(plan.get("issued_on"), str):
        plan["issued_on"] = _date(plan["issued_on"])
    _unflag(plan, form, "plan")


def _edit_task(task: dict[str, Any], i: int, form: Form) -> None:
    for key in TASK_FIELDS:
        if form.has(f"{key}-{i}"):
            _set(task, key, form.get(f"{key}-{i}"))
    if form.has(f"support-shown-{i}"):
        picked = [s for s in form.all(f"support-{i}") if s != task.get("lead")]
        written = [s for s in task.get("support") or [] if s in picked]      # the document's order kept
        task["support"] = written + [s for s in picked if s not in written]
    if task.get("timeframe") is None:
        task.pop("timeframe", None)
    _unflag(task, form, str(i))


def _referred(plan: dict[str, Any]) -> set[str]:
    tasks = [t for t in plan.get("tasks") or [] if isinstance(t, dict)]
    ids = {plan.get("issued_by"), plan.get("focal")} | {t.get("lead") for t in tasks}
    ids |= {s for t in tasks for s in (t.get("support") or []) if isinstance(s, str)}
    return {i for i in ids if isinstance(i, str)}


def _agencies(data: dict[str, Any], form: Form, referred: set[str]) -> None:
    """New agencies with an email move into `agencies:`; the unused ones are dropped."""
    kept, added = [], list(data.get("agencies") or [])
    for j, agency in enumerate(data.get("proposed_agencies") or []):
        if not isinstance(agency, dict) or agency.get("id") not in referred:
            continue
        email, parent = form.get(f"agency-{j}-email"), form.get(f"agency-{j}-parent")
        if form.has(f"agency-{j}-parent"):
            agency["parent"] = parent or None
        if email:
            added.append({"id": agency["id"], "name": form.get(f"agency-{j}-name") or agency.get("name"),
                          "level": agency.get("level") or "unit", "parent": agency.get("parent"), "email": email,
                          "aliases": list(agency.get("aliases") or [])})
        else:
            kept.append(agency)
    data.pop("proposed_agencies", None)
    data.pop("agencies", None)
    if added:
        data["agencies"] = added
    if kept:
        data["proposed_agencies"] = kept


def apply_edits(draft: str, form: Form) -> str:
    """The draft (YAML text) with the table's edits; a draft that is not a plan list comes back unchanged."""
    if has_aliases(draft):
        return draft                # refused with its reason by the check that follows
    try:
        data = yaml.safe_load(draft)
    except yaml.YAMLError:
        return draft                # the check that follows shows the syntax error with its line
    plans = data.get("plans") if isinstance(data, dict) else None
    if not isinstance(plans, list) or not plans or not isinstance(plans[0], dict):
        return draft
    plan = plans[0]
    _edit_plan(plan, form)
    for i, task in enumerate(plan.get("tasks") or []):
        if isinstance(task, dict):
            _edit_task(task, i, form)
    _agencies(data, form, _referred(plan))
    return dump(data)
