"""Extensions in the numbers: "completed on time after an extension" (inside
"Hoàn thành đúng hạn", counted apart) and the items extended, read straight
from the occurrences (only rows with `due_as_written` qualify, so no tally
column is needed). The condition is tally.done_on_time_extended, the SQL twin
of lifecycle.on_time_after_extension."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from dondoc.store.models import Occurrence
from dondoc.store.tally import EXCLUDED, count_if, done_on_time_extended


@dataclass(frozen=True)
class Extended:
    extended: int  # items whose deadline an approved extension moved (cancelled and waived left out)
    done_on_time_extended: int  # of the "done on time": on time only thanks to the extension


def _query(as_of: date, *where: Any) -> Any:
    return (select(func.count(Occurrence.id), count_if(done_on_time_extended(as_of)))
            .where(Occurrence.due_as_written.is_not(None), Occurrence.status.not_in(EXCLUDED), *where))


def extended_counts(session: Session, *, as_of: date | None = None, plan_id: str | None = None,
                    plans: Iterable[str] | None = None, owners: Iterable[str] | None = None) -> Extended:
    """Counts as of a day (default: every completion so far) for a plan, a set of plans and/or owners."""
    where = []
    if plan_id:
        where.append(Occurrence.plan_id == plan_id)
    if plans is not None:
        where.append(Occurrence.plan_id.in_(sorted(plans)))
    if owners is not None:
        where.append(Occurrence.owner_id.in_(sorted(owners)))
    total, on_time = session.execute(_query(as_of or date.max, *where)).one()
    return Extended(int(total or 0), int(on_time or 0))


def by_owner(session: Session, *, as_of: date, plans: Iterable[str] | None = None) -> dict[str, int]:
    """Per owner agency: done on time after an extension, as of a day."""
    q = (select(Occurrence.owner_id, count_if(done_on_time_extended(as_of)))
         .where(Occurrence.due_as_written.is_not(None), Occurrence.status.not_in(EXCLUDED))
         .group_by(Occurrence.owner_id))
    if plans is not None:
        q = q.where(Occurrence.plan_id.in_(sorted(plans)))
    return {owner: int(n) for owner, n in session.execute(q) if n}
