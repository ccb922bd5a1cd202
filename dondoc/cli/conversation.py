"""`dondoc extension ...`: the extension requests of the chain, listed and
decided from the command line (the operator acts for the confirming agency;
`--by` names who, for the Event). Emails to both sides go to the outbox."""
from __future__ import annotations

import json
from typing import Annotated, Optional

import typer

from dondoc.cli.app import Format, fail, open_engine, out, read_settings

extension_app = typer.Typer(help="Đề nghị gia hạn / extension requests", no_args_is_help=True)
STATUS_VI = {"pending": "Chờ quyết định", "approved": "Đã đồng ý", "refused": "Không đồng ý"}


@extension_app.command("list")
def list_requests(status: Annotated[Optional[str], typer.Option(help="pending | approved | refused")] = "pending",
                  plan: Annotated[Optional[str], typer.Option(help="Mã kế hoạch / plan id")] = None,
                  fmt: Annotated[Format, typer.Option("--format")] = Format.table) -> None:
    """Liệt kê đề nghị gia hạn / list extension requests."""
    from sqlalchemy import select

    from dondoc.store.conversation_models import ExtensionRequest
    from dondoc.store.db import session_scope

    if status and status not in STATUS_VI:
        fail(f"Trạng thái '{status}' không hợp lệ, chọn pending, approved hoặc refused / unknown status")
    q = select(ExtensionRequest).order_by(ExtensionRequest.id)
    q = q.where(ExtensionRequest.status == status) if status else q
    q = q.where(ExtensionRequest.plan_id == plan) if plan else q
    with session_scope(open_engine(), write=False) as session:
        rows = [_row(r) for r in session.execute(q).scalars()]
    if fmt == Format.json:
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    for r in rows:
        late = " (gửi sau hạn)" if r["late"] else ""
        out.print(f"#{r['id']} [{STATUS_VI[r['status']]}] {r['plan']} #{r['occurrence_id']} {r['agency']}: "
                  f"{r['due_before']} -> {r['due']}{late} — {r['reason']}", markup=False, highlight=False)
    if not rows:
        out.print("Không có đề nghị nào / no request", markup=False)


def _row(r) -> dict:  # noqa: ANN001
    return dict(id=r.id, status=r.status, plan=r.plan_id, occurrence_id=r.occurrence_id, agency=r.agency_id,
                confirmer=r.confirmer_id, due_before=r.due_before.isoformat() if r.due_before else None,
                due=r.due_requested.isoformat(), reason=r.reason, late=r.late, note=r.decision_note)


def _decide(request_id: int, approve: bool, note: str, by: str, now: str | None) -> None:
    from dondoc import clock
    from dondoc.engine.lifecycle import TransitionError
    from dondoc.notifications import chain
    from dondoc.store import conversation as conv
    from dondoc.store.db import session_scope
    from dondoc.store.errors import ActionError, NotFound
    from dondoc.store.models import Occurrence
    from dondoc.store.status import Actor, StaleUpdate
    from dondoc.web.conversation import mailer_for

    current = read_settings()
    moment = clock.parse_now(now)
    try:
        with session_scope(open_engine(current)) as session:
            req = conv.decide_extension(session, request_id=request_id, approve=approve, note=note,
                                        actor=Actor("user", by), now=moment, allowed=lambda r: True)
            chain.extension_decided(session, session.get(Occurrence, req.occurrence_id), req,
                                    mailer=mailer_for(current), now=moment)
            row = _row(req)
    except NotFound:
        fail(f"Không có đề nghị gia hạn #{request_id} / no such request")
    except (ActionError, TransitionError, StaleUpdate) as exc:
        fail(str(exc))
    out.print(f"#{row['id']}: {STATUS_VI[row['status']]} ({row['due']})", markup=False)


@extension_app.command("approve")
def approve(request_id: Annotated[int, typer.Argument(help="Số đề nghị / request id")],
            by: Annotated[str, typer.Option("--by", help="Người quyết định / who decides")] = "cli",
            note: Annotated[str, typer.Option(help="Ý kiến / note")] = "",
            now: Annotated[Optional[str], typer.Option(help="ISO date/time")] = None) -> None:
    """Đồng ý gia hạn: hạn mới có hiệu lực, đôn đốc tính lại / approve: the new due applies, escalation restarts."""
    _decide(request_id, True, note, by, now)


@extension_app.command("refuse")
def refuse(request_id: Annotated[int, typer.Argument(help="Số đề nghị / request id")],
           note: Annotated[str, typer.Option(help="Lý do không đồng ý (bắt buộc) / why (required)")],
           by: Annotated[str, typer.Option("--by", help="Người quyết định / who decides")] = "cli",
           now: Annotated[Optional[str], typer.Option(help="ISO date/time")] = None) -> None:
    """Không đồng ý gia hạn / refuse an extension request."""
    _decide(request_id, False, note, by, now)
