"""Signed, expiring agency links: the token names one agency and nothing else."""
from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

SALT = "dondoc.agency-link.v1"


class LinkError(ValueError):
    def __init__(self, message: str, *, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def make_token(agency_id: str, *, secret: str) -> str:
    return _serializer(secret).dumps({"a": agency_id})


def read_token(token: str, *, secret: str, max_age_s: int) -> str:
    """The agency id the token was made for; LinkError if tampered or expired."""
    return read_token_at(token, secret=secret, max_age_s=max_age_s)[0]


def read_token_at(token: str, *, secret: str, max_age_s: int) -> tuple[str, int]:
    """The agency id and when the link was signed (Unix seconds), for revocation checks."""
    try:
        data, signed_at = _serializer(secret).loads(token, max_age=max_age_s, return_timestamp=True)
    except SignatureExpired:
        raise LinkError("Liên kết đã hết hạn / link expired", expired=True) from None
    except BadSignature:
        raise LinkError("Liên kết không hợp lệ / invalid link") from None
    if not isinstance(data, dict) or not isinstance(data.get("a"), str):
        raise LinkError("Liên kết không hợp lệ / invalid link")
    return data["a"], int(signed_at.timestamp())


def response_url(base_url: str, agency_id: str, *, secret: str) -> str:
    return f"{base_url.rstrip('/')}/r/{make_token(agency_id, secret=secret)}"
