"""The floor for the sweep: the same work done by hand in set-based SQL, in
one transaction. The escalation arithmetic is dondoc's decide(), run once per
distinct (policy, due date, last step) among the due rows (a few hundred
combinations) instead of once per row; everything else is INSERT ... SELECT
and UPDATE ... FROM. It writes the same occurrence state, the same
notification rows (same keys) and one event per escalation, like the sweep.

Recipient tokens handled: lead, lead.parent, focal, issuer (those of the
generated policies); addresses are unique per agency in the data set, so
de-duplicating by agency equals dondoc's de-duplication by address."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from dondoc.engine.calendar import WorkCalendar, local_date
from dondoc.engine.escalation import OccurrenceState, decide
from dondoc.engine.escalation import Policy as Rule

DUE = ("o.status IN ('not_started', 'in_progress', 'reported') AND o.next_check_on <= :today")
ACTIVE = f"{DUE} AND o.status <> 'reported' AND o.on_event = false AND o.due IS NOT NULL"
TOKENS = {"lead": "f.owner_id", "lead.parent": "f.parent_id", "focal": "f.focal_id", "issuer": "f.issued_by"}

SETUP = (
    "CREATE TEMP TABLE bench_fire (policy VARCHAR, due DATE, old_step INTEGER, fires INTEGER, step INTEGER, "
    "step_level INTEGER, template VARCHAR, token_step INTEGER, next_on DATE)",
    "CREATE TEMP TABLE bench_token (policy VARCHAR, step INTEGER, role VARCHAR, token VARCHAR)",
)
FIRED = f"""CREATE TEMP TABLE fired AS
SELECT o.id, o.task_id, o.plan_id, o.owner_id, o.escalation_level AS old_level, o.last_step AS old_step, b.step,
       CASE WHEN b.step_level > o.escalation_level THEN b.step_level ELSE o.escalation_level END AS level,
       b.template, b.token_step, b.next_on, p.escalation AS policy, p.focal_id, p.issued_by, a.parent_id
FROM occurrence o JOIN plan p ON p.id = o.plan_id
JOIN bench_fire b ON b.policy = p.escalation AND b.due = o.due AND b.old_step = o.last_step AND b.fires = 1
JOIN agency a ON a.id = o.owner_id
WHERE {ACTIVE}"""
NOTIFY = f"""INSERT INTO notification (key, occurrence_id, step, recipient, role, template, level, created_at)
SELECT CAST(c.id AS VARCHAR) || ':' || CAST(c.step AS VARCHAR) || ':' || c.recipient, c.id, c.step, c.recipient,
       max(c.role), min(c.template), min(c.level), :now
FROM (SELECT f.id, f.step, f.template, f.level, t.role,
             CASE t.token {' '.join(f"WHEN '{k}' THEN {v}" for k, v in TOKENS.items())} END AS recipient
      FROM fired f JOIN bench_token t ON t.policy = f.policy AND t.step = f.token_step) c
WHERE c.recipient IS NOT NULL
GROUP BY c.id, c.step, c.recipient
ON CONFLICT (key) DO NOTHING"""
_ADDRESSES = ("(SELECT {agg} FROM notification n JOIN agency a ON a.id = n.recipient "
              "WHERE n.occurrence_id = f.id AND n.step = f.step AND n.role = '{role}')")
JSON = {"sqlite": ("json_object", "json(" + _ADDRESSES.replace("{agg}", "json_group_array(a.email)") + ")"),
        "postgresql": ("json_build_object", _ADDRESSES.replace("{agg}", "coalesce(json_agg(a.email), '[]')"))}
EVENTS = """INSERT INTO event (at, actor_kind, actor, kind, plan_id, task_id, occurrence_id, before, after, note)
SELECT :now, 'system', 'sweep', 'occurrence.escalation', f.plan_id, f.task_id, f.id,
       {obj}('escalation_level', f.old_level, 'last_step', f.old_step),
       {obj}('escalation_level', f.level, 'last_step', f.step, 'template', f.template, 'to', {to}, 'cc', {cc}), ''
FROM fired f"""
UPDATES = (
    "UPDATE occurrence SET last_step = f.step, escalation_level = f.level, next_check_on = f.next_on, "
    "last_reminded_at = :now FROM fired f WHERE occurrence.id = f.id",
    f"""UPDATE occurrence SET next_check_on = b.next_on FROM plan p, bench_fire b, occurrence o
        WHERE o.id = occurrence.id AND p.id = o.plan_id AND b.policy = p.escalation AND b.due = o.due
        AND b.old_step = o.last_step AND b.fires = 0 AND {ACTIVE}""",
    f"UPDATE occurrence SET next_check_on = NULL FROM occurrence o WHERE o.id = occurrence.id AND {DUE} "
    "AND (o.status = 'reported' OR o.on_event = true OR o.due IS NULL)",
)


def _rules(conn: Connection) -> dict[str, Rule]:
    rows = conn.execute(text("SELECT id, steps, repeat_every FROM policy"))
    return {pid: Rule.from_config(pid, steps if isinstance(steps, list) else json.loads(steps), every)
            for pid, steps, every in rows}


def _fire_rows(conn: Connection, rules: dict[str, Rule], today: date, calendar: WorkCalendar) -> list[dict]:
    combos = conn.execute(text(f"SELECT DISTINCT p.escalation, o.due, o.last_step FROM occurrence o "
                               f"JOIN plan p ON p.id = o.plan_id WHERE {ACTIVE}"), {"today": today})
    out = []
    for policy, due, last_step in combos:
        rule = rules[policy]
        d = decide(OccurrenceState(0, date.fromisoformat(str(due)), "not_started", False, 0, last_step), rule,
                   today=today, calendar=calendar)
        f = d.fired
        out.append({"policy": policy, "due": due, "old_step": last_step, "fires": int(f is not None),
                    "step": f.index if f else last_step, "step_level": f.step.level if f else 0,
                    "template": f.step.template if f else "", "next_on": d.next_check_on,
                    "token_step": min(f.index, len(rule.steps) - 1) if f else 0})
    return out


def _token_rows(rules: dict[str, Rule]) -> list[dict]:
    rows = []
    for pid, rule in rules.items():
        for i, step in enumerate(rule.steps):
            for role, tokens in (("to", step.notify), ("cc", step.cc)):
                for token in tokens:
                    if token not in TOKENS:
                        raise NotImplementedError(f"the floor does not resolve {token!r}")
                    rows.append({"policy": pid, "step": i, "role": role, "token": token})
    return rows


def floor_sweep(engine: Engine, *, now: datetime, calendar: WorkCalendar) -> dict:
    """Run the floor at `now`; returns how many rows it escalated and notified."""
    today = local_date(now)
    stamp = now.astimezone(UTC)
    if engine.dialect.name == "sqlite":
        stamp = stamp.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
        today_param: object = today.isoformat()
    else:
        today_param = today
    obj, addresses = JSON[engine.dialect.name]
    with engine.execution_options(dondoc_write=True).begin() as conn:
        rules = _rules(conn)
        for sql in SETUP:
            conn.execute(text(sql))
        fire = _fire_rows(conn, rules, today, calendar)
        if fire:
            conn.execute(text("INSERT INTO bench_fire VALUES (:policy, :due, :old_step, :fires, :step, :step_level, "
                              ":template, :token_step, :next_on)"), fire)
        conn.execute(text("INSERT INTO bench_token VALUES (:policy, :step, :role, :token)"), _token_rows(rules))
        conn.execute(text(FIRED), {"today": today_param})
        notified = conn.execute(text(NOTIFY), {"now": stamp}).rowcount
        events = conn.execute(text(EVENTS.format(obj=obj, to=addresses.format(role="to"),
                                                 cc=addresses.format(role="cc"))), {"now": stamp}).rowcount
        for sql in UPDATES:
            conn.execute(text(sql), {"now": stamp, "today": today_param})
        for table in ("fired", "bench_fire", "bench_token"):
            conn.execute(text(f"DROP TABLE {table}"))
    return {"escalated": events, "notifications": notified, "combinations": len(fire)}
