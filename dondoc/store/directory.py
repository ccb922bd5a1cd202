"""In-memory views of the small tables a sweep needs: agencies with their
chains, plans and policies. Loaded once per sweep, read-only."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlmodel import Session, select

from dondoc.engine.escalation import Policy as PolicyRule
from dondoc.engine.recipients import AgencyRef, Chain
from dondoc.store.models import Agency, Plan, Policy
from dondoc.store.obligations import policy_rule


@dataclass(frozen=True)
class PlanRef:
    id: str
    number: str
    title: str
    focal: str
    issuer: str
    policy: str


class Directory:
    def __init__(self, agencies: dict[str, AgencyRef], parents: dict[str, str | None],
                 plans: dict[str, PlanRef], policies: dict[str, PolicyRule]) -> None:
        self.agencies, self.parents, self.plans, self.policies = agencies, parents, plans, policies
        self.chain = lru_cache(maxsize=200_000)(self._chain)

    @classmethod
    def load(cls, session: Session) -> Directory:
        """Plain column reads (no ORM objects): tens of thousands of agencies load in a blink."""
        agencies, parents = {}, {}
        cols = (Agency.id, Agency.name, Agency.email, Agency.head_email, Agency.language, Agency.active, Agency.parent_id)
        for a_id, name, email, head, lang, active, parent in session.execute(select(*cols)):
            agencies[a_id] = AgencyRef(a_id, name, email, head, lang, active)
            parents[a_id] = parent
        plan_cols = (Plan.id, Plan.number, Plan.title, Plan.focal_id, Plan.issued_by, Plan.escalation)
        plans = {row[0]: PlanRef(*row) for row in session.execute(select(*plan_cols))}
        policies = {p.id: policy_rule(p) for p in session.exec(select(Policy))}
        return cls(agencies, parents, plans, policies)

    def ancestors(self, agency_id: str) -> tuple[AgencyRef, ...]:
        out, seen, node = [], {agency_id}, self.parents.get(agency_id)
        while node is not None and node not in seen:
            seen.add(node)
            out.append(self.agencies[node])
            node = self.parents.get(node)
        return tuple(out)

    def _chain(self, owner: str, plan_id: str, support: tuple[str, ...] = ()) -> Chain:
        plan = self.plans[plan_id]
        return Chain(lead=self.agencies[owner], ancestors=self.ancestors(owner), focal=self.agencies[plan.focal],
                     issuer=self.agencies[plan.issuer], support=tuple(self.agencies[s] for s in support if s in self.agencies))
