"""The `dondoc` command. Reads settings and the clock here, passes them down."""
from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from dondoc.cli.app import (
    Format,
    app,
    choice,
    err,
    fail,
    iso_day,
    open_engine,
    out,
    read_settings,
    report_app,
    run,
    when,
)

if TYPE_CHECKING:
    from dondoc.store.models import Occurrence


@app.command()
def init() -> None:
    """Tạo hoặc nâng cấp cơ sở dữ liệu / create or migrate the database."""
    current = read_settings()
    open_engine(current)
    out.print(f"Cơ sở dữ liệu sẵn sàng / database ready: {current.database_url}", markup=False)


@app.command()
def load(paths: Annotated[list[Path], typer.Argument(help="Tệp hoặc thư mục YAML / YAML files or folders")],
         now: Annotated[Optional[str], typer.Option(help="ISO date/time (mặc định: bây giờ)")] = None) -> None:
    """Nạp cấu hình (tất cả hoặc không) / validate and apply config, all-or-nothing."""
    from sqlmodel import select

    from dondoc.config.reader import ConfigError, read_config
    from dondoc.store import implementing
    from dondoc.store.calendar_days import calendar_of
    from dondoc.store.db import session_scope
    from dondoc.store.loader import apply_config
    from dondoc.store.models import Agency, Policy

    engine = open_engine()
    moment = when(now)
    with session_scope(engine) as session:
        known_agencies = dict(session.exec(select(Agency.id, Agency.parent_id)).all())  # the stored tree
        known_policies = frozenset(session.exec(select(Policy.id)))
        known_tree = implementing.known_tree(session)
    try:
        config = read_config(paths, known_agencies=known_agencies, known_policies=known_policies, known_tree=known_tree)
    except ConfigError as exc:
        fail(f"Cấu hình có lỗi, không nạp gì / config has errors, nothing applied:\n{exc}")
    with session_scope(engine) as session:
        result = apply_config(session, config, now=moment, calendar=calendar_of(session))
    for w in config.warnings:
        err.print(f"Cảnh báo / warning: {w}", markup=False, highlight=False)
    counts = ", ".join(f"{k}={v}" for k, v in sorted(result.counts.items())) or "không có thay đổi / no changes"
    out.print(f"Đã nạp {len(config.files)} tệp / loaded: {counts}", markup=False)


def _status_label(status: str) -> str:
    from dondoc.engine.lifecycle import STATUS_VI

    return STATUS_VI.get(status, status)


@app.command()
def tasks(plan: Annotated[Optional[str], typer.Option(help="Mã kế hoạch / plan id")] = None,
          agency: Annotated[Optional[str], typer.Option(help="Mã cơ quan chủ trì / owner agency id")] = None,
          status: Annotated[Optional[str], typer.Option(help="Trạng thái / status")] = None,
          fmt: Annotated[Format, typer.Option("--format")] = Format.table) -> None:
    """Danh sách nhiệm vụ và kỳ thực hiện / tasks and their occurrences."""
    from sqlmodel import select

    from dondoc.engine.lifecycle import STATUS_VI
    from dondoc.store.db import session_scope
    from dondoc.store.models import Occurrence, Task

    choice(status, tuple(s.value for s in STATUS_VI), "--status")
    engine = open_engine(read_only=True)
    _known(engine, plan=plan, agency=agency)
    q = (select(Occurrence, Task).join(Task, Task.id == Occurrence.task_id)
         .order_by(Occurrence.plan_id, Task.number, Occurrence.due, Occurrence.owner_id))
    if plan:
        q = q.where(Occurrence.plan_id == plan)
    if agency:
        q = q.where(Occurrence.owner_id == agency)
    if status:
        q = q.where(Occurrence.status == status)
    with session_scope(engine, write=False) as session:
        rows = [dict(id=o.id, plan=o.plan_id, task=t.number, title=t.title, lead=o.owner_id, period=o.period,
                     due=o.due.isoformat() if o.due else None, status=o.status, escalation_level=o.escalation_level,
                     timeframe=t.timeframe) for o, t in session.exec(q)]
    headers = {"id": "#", "plan": "Kế hoạch", "task": "Số", "title": "Nội dung", "lead": "Chủ trì", "period": "Kỳ",
               "due": "Hạn", "status": "Trạng thái", "escalation_level": "Cấp đôn đốc", "timeframe": "Thời gian thực hiện"}
    _emit(rows, headers, fmt)


def _known(engine, *, plan: str | None = None, agency: str | None = None) -> None:  # noqa: ANN001
    """Refuse an unknown plan or agency id rather than print an empty table."""
    from dondoc.store.db import session_scope
    from dondoc.store.models import Agency, Plan

    with session_scope(engine, write=False) as session:
        if plan and session.get(Plan, plan) is None:
            fail(f"Không có kế hoạch '{plan}' / unknown plan (dondoc plans)")
        if agency and session.get(Agency, agency) is None:
            fail(f"Không có cơ quan '{agency}' / unknown agency")


def _emit(rows: list[dict], headers: dict[str, str], fmt: Format) -> None:
    from rich.table import Table

    if fmt == Format.json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    elif fmt == Format.csv:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(headers), extrasaction="ignore")
        buf.write(",".join(headers.values()) + "\n")
        writer.writerows(rows)
        sys.stdout.write(buf.getvalue())
    else:
        table = Table(*headers.values(), show_lines=False)
        for r in rows:
            table.add_row(*[_cell(k, r.get(k)) for k in headers])
        out.print(table)
        out.print(f"{len(rows)} dòng / rows", markup=False)


def _cell(key: str, value: object) -> str:
    from dondoc.engine.calendar import format_vi

    if value is None:
        return ""
    if key == "status":
        return _status_label(str(value))
    if key == "title":
        text = str(value)
        return text if len(text) <= 70 else text[:69] + "…"
    if key == "due":
        return format_vi(date.fromisoformat(str(value)))
    return str(value)


def _find_occurrence(session, ref: str, by: str | None, period: str | None) -> Occurrence:  # noqa: ANN001
    """TASK is '#<occurrence id>' or '<plan id>/<task number>' (earliest open period)."""
    from sqlmodel import select

    from dondoc.store.models import Occurrence, Task

    if ref.startswith("#") and ref[1:].isdigit():
        occ = session.get(Occurrence, int(ref[1:]))
        if occ is None:
            fail(f"Không có kỳ thực hiện {ref} / no such occurrence")
        return occ
    if "/" not in ref:
        fail(f"'{ref}': cần dạng KẾ_HOẠCH/SỐ, ví dụ thanh-linh-2023-tre-em/1.1, hoặc #ID / expected PLAN/NUMBER or #ID")
    plan_id, number = ref.split("/", 1)
    q = (select(Occurrence).join(Task, Task.id == Occurrence.task_id)
         .where(Task.plan_id == plan_id, Task.number == number).order_by(Occurrence.due))
    if period:
        q = q.where(Occurrence.period == period)
    occs = list(session.exec(q))
    if by:
        occs = [o for o in occs if o.owner_id == by] or occs
    open_ones = [o for o in occs if o.status in ("not_started", "in_progress", "reported")]
    if not occs:
        fail(f"Không tìm thấy nhiệm vụ '{ref}' / no such task")
    return (open_ones or occs)[0]


@app.command("set-status")
def set_status_cmd(task: Annotated[str, typer.Argument(help="KẾ_HOẠCH/SỐ hoặc #ID")],
                   status: Annotated[str, typer.Argument(help="in_progress | reported | done | cancelled | waived | ...")],
                   by: Annotated[str, typer.Option("--by", help="Mã cơ quan thực hiện thay đổi / acting agency id")],
                   note: Annotated[str, typer.Option(help="Ghi chú / lý do")] = "",
                   period: Annotated[Optional[str], typer.Option(help="Kỳ (period key)")] = None,
                   now: Annotated[Optional[str], typer.Option(help="ISO date/time")] = None) -> None:
    """Đổi trạng thái một nhiệm vụ / change an occurrence's status (writes an Event)."""
    from dondoc.engine.lifecycle import TransitionError
    from dondoc.store.calendar_days import calendar_of
    from dondoc.store.db import session_scope
    from dondoc.store.models import Agency
    from dondoc.store.status import Actor, StaleUpdate, set_status

    engine = open_engine()
    moment = when(now)
    with session_scope(engine) as session:
        if session.get(Agency, by) is None:
            fail(f"Không có cơ quan '{by}' / unknown agency")
        occ = _find_occurrence(session, task, by, period)
        old = occ.status
        try:
            set_status(session, occ, status, actor=Actor("agency", by), now=moment, calendar=calendar_of(session), note=note)
        except (TransitionError, StaleUpdate) as exc:
            fail(str(exc))
    out.print(f"#{occ.id} {task} [{occ.period}]: {_status_label(old)} -> {_status_label(occ.status)}", markup=False)


@report_app.command("overdue")
def report_overdue(as_of: Annotated[Optional[str], typer.Option("--as-of", help="YYYY-MM-DD (mặc định: hôm nay)")] = None,
                   plan: Annotated[Optional[str], typer.Option(help="Mã kế hoạch")] = None,
                   agency: Annotated[Optional[str], typer.Option(help="Mã cơ quan (cả cấp dưới)")] = None,
                   fmt: Annotated[Format, typer.Option("--format")] = Format.table) -> None:
    """Báo cáo nhiệm vụ quá hạn / overdue report."""
    from dondoc import clock
    from dondoc.engine.calendar import format_vi
    from dondoc.store.db import session_scope
    from dondoc.store.models import Agency, Plan
    from dondoc.store.reports import overdue

    day = iso_day(as_of, "--as-of") or clock.today()
    engine = open_engine(read_only=True)
    with session_scope(engine, write=False) as session:
        if plan and session.get(Plan, plan) is None:
            fail(f"Không có kế hoạch '{plan}' / unknown plan")
        if agency and session.get(Agency, agency) is None:
            fail(f"Không có cơ quan '{agency}' / unknown agency")
        items = overdue(session, as_of=day, plan=plan, agency=agency)
    rows = [i.as_dict() for i in items]
    headers = {"plan": "Kế hoạch", "task": "Số", "title": "Nội dung", "lead": "Chủ trì", "due": "Hạn",
               "days_overdue": "Số ngày quá hạn", "status": "Trạng thái", "escalation_level": "Cấp đôn đốc"}
    if fmt == Format.table:
        out.print(f"Nhiệm vụ quá hạn tính đến ngày {format_vi(day)} / overdue as of {day.isoformat()}", markup=False)
    _emit(rows, headers, fmt)


def main() -> None:
    register()
    sys.exit(run())


def register() -> None:
    """Attach the commands that live in other modules."""
    from dondoc.cli import compiled, ops  # noqa: F401  (register their commands)
    from dondoc.cli.access import agency_app  # (also adds user list|passwd|disable|enable, token list|revoke)
    from dondoc.cli.agencies import agencies_app
    from dondoc.cli.conversation import extension_app
    from dondoc.cli.importing import import_plan_command
    from dondoc.cli.prefect import prefect_app
    from dondoc.cli.users import web_app

    app.command("import-plan")(import_plan_command)
    app.add_typer(web_app)
    app.add_typer(prefect_app, name="prefect")
    app.add_typer(agencies_app, name="agencies")
    app.add_typer(extension_app, name="extension")
    app.add_typer(agency_app, name="agency")
