"""A coordinator's view of one plan: tasks, owners, parsed deadlines,
loader warnings, items awaiting confirmation, and a preview of the emails the
next sweep would send (a dry run, rendered as compose would render them)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby
from types import SimpleNamespace

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dondoc.engine.calendar import format_vi, local_date
from dondoc.engine.lifecycle import standing_of
from dondoc.notifications.compose import digest_context, email_kind
from dondoc.notifications.render import render
from dondoc.store import evidence as files
from dondoc.store.calendar_days import load_calendar
from dondoc.store.conversation import confirmer_of
from dondoc.store.conversation_models import ExtensionRequest, ReassignmentRequest
from dondoc.store.db import session_scope
from dondoc.store.extended import extended_counts
from dondoc.store.held import held_reminders
from dondoc.store.indicators import attainment
from dondoc.store.models import Agency, Occurrence, Plan, Task
from dondoc.store.sweep import sweep_once
from dondoc.web.scope import Scope

OPEN = ("not_started", "in_progress", "reported")

EVERY_VI = {"month": "Hằng tháng", "quarter": "Hằng quý", "half_year": "6 tháng một lần", "year": "Hằng năm"}
PREVIEW_LINK = "/r/(liên kết riêng của cơ quan)"


def schedule_parts(task: Task) -> list[dict]:
    """The parsed timeframe as (Vietnamese label, value) pairs."""
    if task.due is not None:
        return [dict(label="Hạn ghi rõ", value=format_vi(task.due))]
    out = []
    for part in task.schedule:
        kind = part.get("kind")
        if kind == "Deadline":
            out.append(dict(label="Hạn", value=format_vi(date.fromisoformat(part["due"]))))
        elif kind == "Recurring":
            fixed = f"{part['day']:02d}/{part['month']:02d}" if part.get("day") and part.get("month") else ""
            out.append(dict(label=EVERY_VI.get(part.get("every"), str(part.get("every"))), value=fixed))
        elif kind == "Continuous":
            out.append(dict(label="Thường xuyên, theo các kỳ báo cáo", value=""))
        elif kind == "OnEvent":
            out.append(dict(label="Khi phát sinh (không tính quá hạn)", value=""))
    return out


def plans_overview(session: Session, scope: Scope, today: date) -> list[dict]:
    """Every plan in scope with its task, open and overdue counts."""
    open_ = Occurrence.status.in_(("not_started", "in_progress", "reported"))
    counts = dict(session.execute(select(Occurrence.plan_id, func.count()).where(open_)
                                  .group_by(Occurrence.plan_id)).all())
    late = dict(session.execute(select(Occurrence.plan_id, func.count()).where(
        open_, Occurrence.due < today, Occurrence.on_event.is_(False)).group_by(Occurrence.plan_id)).all())
    waiting = dict(session.execute(select(Occurrence.plan_id, func.count()).where(
        Occurrence.status == "reported").group_by(Occurrence.plan_id)).all())
    tasks = dict(session.execute(select(Task.plan_id, func.count()).where(Task.removed.is_(False))
                                 .group_by(Task.plan_id)).all())
    plans = session.execute(select(Plan).where(scope.where(Plan.id)).order_by(Plan.issued_on.desc(), Plan.id)).scalars()
    requests = _pending_requests(session)
    return [dict(plan=p, tasks=tasks.get(p.id, 0), open=counts.get(p.id, 0), overdue=late.get(p.id, 0),
                 waiting=waiting.get(p.id, 0), warnings=len(p.warnings), requests=requests.get(p.id, 0)) for p in plans]


def _pending_requests(session: Session) -> dict[str, int]:
    """Extension and reassignment requests awaiting a decision, per plan."""
    out: dict[str, int] = defaultdict(int)
    for model in (ExtensionRequest, ReassignmentRequest):
        q = select(model.plan_id, func.count()).where(model.status == "pending").group_by(model.plan_id)
        for plan_id, n in session.execute(q):
            out[plan_id] += n
    return out


def _names(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Agency.id, Agency.name)).all())


def plan_view(session: Session, plan: Plan, today: date) -> dict:
    names = _names(session)
    tasks = list(session.execute(select(Task).where(Task.plan_id == plan.id, Task.removed.is_(False))
                                 .order_by(Task.id)).scalars())  # the order of the config: the document's
    tasks.sort(key=lambda t: t.kind != "task")
    occs = session.execute(select(Occurrence).where(Occurrence.plan_id == plan.id)
                           .order_by(Occurrence.due, Occurrence.owner_id)).scalars().all()
    by_task: dict[int, list] = defaultdict(list)
    for o in occs:
        by_task[o.task_id].append(dict(occ=o, owner=names.get(o.owner_id, o.owner_id), standing=standing_of(o, today)))
    rows = [dict(task=t, lead=names.get(t.lead_id, t.lead_id), support=[names.get(s, s) for s in t.support],
                 parts=schedule_parts(t), occurrences=by_task.get(t.id, [])) for t in tasks]
    titles = {t.id: t for t in tasks}
    awaiting = [dict(occ=o, task=titles.get(o.task_id), owner=names.get(o.owner_id, o.owner_id))
                for o in occs if o.status == "reported" and o.task_id in titles]
    return dict(plan=plan, tasks=rows, awaiting=awaiting, issuer=names.get(plan.issued_by, plan.issued_by),
                focal=names.get(plan.focal_id, plan.focal_id), task_warnings=[t for t in tasks if t.warnings],
                held=held_reminders(session, plan_id=plan.id),
                **conversation_view(session, plan, [o for o in occs if o.task_id in titles], titles, names))


MAX_ACTION_ITEMS = 500


def conversation_view(session: Session, plan: Plan, occs: list[Occurrence], titles: dict[int, Task],
                      names: dict[str, str]) -> dict:
    """Pending extension and reassignment requests, evidence of the items
    awaiting confirmation, the open items a coordinator may act on, indicators."""
    by_id = {o.id: o for o in occs}
    ext = session.execute(select(ExtensionRequest).where(ExtensionRequest.plan_id == plan.id,
                                                         ExtensionRequest.status == "pending")
                          .order_by(ExtensionRequest.id)).scalars().all()
    moves = session.execute(select(ReassignmentRequest).where(ReassignmentRequest.plan_id == plan.id,
                                                              ReassignmentRequest.status == "pending")
                            .order_by(ReassignmentRequest.id)).scalars().all()
    item = lambda occ_id: dict(occ=by_id.get(occ_id), task=titles.get(by_id[occ_id].task_id) if occ_id in by_id else None)  # noqa: E731
    open_occs = [o for o in occs if o.status in OPEN][:MAX_ACTION_ITEMS]
    return dict(extensions=[dict(req=r, owner=names.get(r.agency_id, r.agency_id), **item(r.occurrence_id)) for r in ext],
                moves=[dict(req=r, owner=names.get(r.from_agency_id, r.from_agency_id),
                            to=names.get(r.to_agency_id, r.to_agency_id), **item(r.occurrence_id)) for r in moves],
                files=files.of_occurrences(session, [o.id for o in occs if o.status == "reported"]),
                actionable=[dict(occ=o, task=titles[o.task_id], owner=names.get(o.owner_id, o.owner_id))
                            for o in open_occs],
                agencies=sorted(names.items(), key=lambda kv: kv[1])[:2000],
                indicators=[dict(a=a, agency=names.get(a.agency_id, a.agency_id))
                            for a in attainment(session, plan_id=plan.id)],
                confirmer=names.get(confirmer_of(plan), confirmer_of(plan)),
                extended=extended_counts(session, plan_id=plan.id))


@dataclass(frozen=True)
class PreviewEmail:
    recipient: str
    to: str
    subject: str
    text: str
    count: int


def _preview_rows(session: Session, plan: Plan, wanted: dict[int, list[dict]]) -> list[SimpleNamespace]:
    q = (select(Occurrence, Task.number, Task.title, Agency.name).join(Task, Task.id == Occurrence.task_id)
         .join(Agency, Agency.id == Occurrence.owner_id).where(Occurrence.id.in_(sorted(wanted))))
    return [SimpleNamespace(recipient=w["recipient"], number=n, title=t, lead_name=lead, due=o.due, level=0,
                            owner_id=o.owner_id, focal_id=plan.focal_id, written_due=o.written_due,
                            reminded_before=o.last_step >= 0,
                            escalation_level=o.escalation_level, role=w["role"], template=w["template"],
                            plan_id=plan.id, plan_number=plan.number, plan_title=plan.title)
            for o, n, t, lead in session.execute(q) for w in wanted[o.id]]


def preview(engine: Engine, plan: Plan, *, now: datetime, base_url: str, limit: int = 50) -> list[PreviewEmail]:
    """The emails of this plan that a sweep at `now` would queue (agency
    links are placeholders: a preview never hands out a working link)."""
    result = sweep_once(engine, now=now, calendar=load_calendar(engine), dry_run=True)
    with session_scope(engine, write=False) as session:
        mine = set(session.execute(select(Occurrence.id).where(Occurrence.plan_id == plan.id)).scalars())
        wanted: dict[int, list[dict]] = defaultdict(list)
        for w in result.would_send:
            if w["occurrence_id"] in mine:
                wanted[w["occurrence_id"]].append(w)
        rows = sorted(_preview_rows(session, plan, wanted), key=lambda r: r.recipient)
        agencies = {a.id: a for a in session.execute(select(Agency)).scalars()}
    out = []
    for recipient, group in groupby(rows, key=lambda r: r.recipient):
        agency = agencies.get(recipient.removesuffix(".head"))
        if agency is not None and len(out) < limit:
            out.append(_render_preview(recipient, agency, list(group), local_date(now), base_url))
    return out


def _render_preview(recipient: str, agency: Agency, rows: list, today: date, base_url: str) -> PreviewEmail:
    ctx = digest_context({"id": agency.id, "name": agency.name}, rows, today=today,
                         link=base_url.rstrip("/") + PREVIEW_LINK)
    rendered = render(email_kind(ctx["templates"]), agency.language, ctx)
    head = recipient.endswith(".head") and agency.head_email
    return PreviewEmail(recipient=agency.name, to=agency.head_email if head else agency.email,
                        subject=rendered.subject, text=rendered.text, count=ctx["count"])
