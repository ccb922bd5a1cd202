"""Secrets of the web edge: password hashes, API tokens and CSRF tokens.
Nothing here touches the database (sessions: dondoc.web.sessions)."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "dondoc_session"
CSRF_COOKIE = "dondoc_csrf"
SESSION_MAX_AGE_S = 12 * 3600  # the cookies' max-age; the server ends sessions earlier (idle, logout)
TOKEN_PREFIX = "ddk_"
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("dondoc-timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant work whether or not the user exists (a dummy hash is checked)."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def new_api_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SessionData:
    """What a request knows of its server-side session (dondoc.web.sessions)."""

    user_id: int
    csrf: str


def new_csrf() -> str:
    return secrets.token_urlsafe(24)


def _csrf_serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="dondoc.login-csrf.v1")


def dump_login_csrf(token: str, *, secret: str) -> str:
    return _csrf_serializer(secret).dumps(token)


def load_login_csrf(cookie: str | None, *, secret: str) -> str | None:
    """The pre-login CSRF token, from its own signed cookie."""
    if not cookie:
        return None
    try:
        value = _csrf_serializer(secret).loads(cookie, max_age=SESSION_MAX_AGE_S)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


def agency_form_token(link_token: str, *, secret: str) -> str:
    """The hidden field of agency forms: an HMAC of the link token."""
    return hmac.new(secret.encode(), b"agency-form:" + link_token.encode(), hashlib.sha256).hexdigest()
