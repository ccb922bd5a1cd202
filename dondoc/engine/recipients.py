"""Who a step's `notify`/`cc` tokens mean for one occurrence (pure).

Tokens: lead, lead.parent, lead.parent.parent..., support, focal, issuer,
an agency id; a `.head` suffix addresses the agency head's email instead.
The chain skips inactive agencies and stops at the root. An agency with no
address yet is still a recipient (address ""): its reminders are queued and
held until an address is set, never dropped.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class AgencyRef:
    id: str
    name: str
    email: str
    head_email: str | None = None
    language: str = "vi"
    active: bool = True


@dataclass(frozen=True)
class Chain:
    lead: AgencyRef
    ancestors: tuple[AgencyRef, ...]  # lead's parent first, root last
    focal: AgencyRef
    issuer: AgencyRef
    support: tuple[AgencyRef, ...] = ()


@dataclass(frozen=True)
class Recipient:
    agency: AgencyRef
    address: str
    head: bool = False


def _active_ancestors(chain: Chain) -> tuple[AgencyRef, ...]:
    return tuple(a for a in chain.ancestors if a.active)


def _lead(chain: Chain) -> AgencyRef | None:
    if chain.lead.active:
        return chain.lead
    ups = _active_ancestors(chain)
    return ups[0] if ups else None


def resolve_token(token: str, chain: Chain, directory: dict[str, AgencyRef]) -> list[Recipient]:
    base, head = (token[: -len(".head")], True) if token.endswith(".head") else (token, False)
    parts = base.split(".")
    agencies: list[AgencyRef]
    if parts[0] == "lead":
        agencies = _walk_up(chain, len(parts) - 1)
    elif base == "support":
        agencies = [a for a in chain.support if a.active]
    elif base == "focal":
        agencies = [chain.focal]
    elif base == "issuer":
        agencies = [chain.issuer]
    else:
        agencies = [directory[base]] if base in directory and directory[base].active else []
    return [_address(a, head) for a in agencies]


def _walk_up(chain: Chain, hops: int) -> list[AgencyRef]:
    if hops == 0:
        lead = _lead(chain)
        return [lead] if lead else []
    ups = _active_ancestors(chain)
    if not ups or (not chain.lead.active and hops >= len(ups)):
        return []
    offset = 0 if chain.lead.active else 1
    return [ups[min(hops - 1 + offset, len(ups) - 1)]]


def _address(agency: AgencyRef, head: bool) -> Recipient:
    if head and agency.head_email:
        return Recipient(agency, agency.head_email, head=True)
    return Recipient(agency, agency.email)


def resolve(notify: tuple[str, ...], cc: tuple[str, ...], chain: Chain,
            directory: dict[str, AgencyRef] | None = None) -> tuple[list[Recipient], list[Recipient]]:
    """(to, cc) with duplicates removed; someone in both is only in `to`."""
    directory = directory or {}
    to = _dedupe(r for t in notify for r in resolve_token(t, chain, directory))
    seen = {_identity(r) for r in to}
    copied = [r for r in _dedupe(r for t in cc for r in resolve_token(t, chain, directory)) if _identity(r) not in seen]
    return to, copied


def _identity(r: Recipient) -> str:
    """The address; for an agency without one, the agency (two such agencies are two recipients)."""
    return r.address or f"agency:{r.agency.id}"


def _dedupe(items: Iterable[Recipient]) -> list[Recipient]:
    out, seen = [], set()
    for r in items:
        if _identity(r) not in seen:
            seen.add(_identity(r))
            out.append(r)
    return out
