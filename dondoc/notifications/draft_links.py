"""Signed, expiring links to download a compiled report draft: the token names
one plan, one date and period, and the focal agency it was made for."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

SALT = "dondoc.compiled-draft.v1"
MAX_AGE_S = 45 * 24 * 3600


@dataclass(frozen=True)
class DraftRef:
    plan_id: str
    as_of: date
    period: str | None
    agency_id: str


class DraftLinkError(ValueError):
    pass


def make_draft_token(ref: DraftRef, *, secret: str) -> str:
    data = {"p": ref.plan_id, "d": ref.as_of.isoformat(), "k": ref.period, "a": ref.agency_id}
    return URLSafeTimedSerializer(secret, salt=SALT).dumps(data)


def read_draft_token(token: str, *, secret: str, max_age_s: int = MAX_AGE_S) -> DraftRef:
    try:
        data = URLSafeTimedSerializer(secret, salt=SALT).loads(token, max_age=max_age_s)
        return DraftRef(str(data["p"]), date.fromisoformat(data["d"]), data["k"], str(data["a"]))
    except SignatureExpired:
        raise DraftLinkError("Liên kết đã hết hạn / link expired") from None
    except (BadSignature, KeyError, TypeError, ValueError):
        raise DraftLinkError("Liên kết không hợp lệ / invalid link") from None


def draft_url(base_url: str, ref: DraftRef, *, secret: str, fmt: str = "docx") -> str:
    return f"{base_url.rstrip('/')}/compiled/{make_draft_token(ref, secret=secret)}.{fmt}"
