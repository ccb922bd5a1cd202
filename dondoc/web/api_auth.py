"""Who calls the API: a user (bearer API token, or the session cookie with
the X-CSRF-Token header on changes) or an agency (its signed link token as
a bearer, for /api/agency/... only)."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from dondoc.notifications.tokens import LinkError, read_token_at
from dondoc.store.db import session_scope
from dondoc.web.access import link_revoked
from dondoc.web.deps import SAFE_METHODS, session_data, session_user, web
from dondoc.web.models import User
from dondoc.web.scope import Scope, scope_for
from dondoc.web.security import same
from dondoc.web.users import user_for_token

bearer = HTTPBearer(auto_error=False, description="API token (`dondoc token create`) or, for /api/agency, "
                                                  "the token of an agency's response link")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
CHALLENGE = {"WWW-Authenticate": "Bearer"}


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers=CHALLENGE)


def api_user(request: Request, creds: Credentials) -> User:
    if creds is not None:
        with session_scope(web(request).engine, write=False) as session:
            user = user_for_token(session, creds.credentials)
        if user is None:
            raise _unauthorized("Mã truy cập không hợp lệ / invalid token")
        return user
    user = session_user(request)
    if user is None:
        raise _unauthorized("Cần đăng nhập hoặc mã truy cập / authentication required")
    data = session_data(request)
    if request.method not in SAFE_METHODS and not same(request.headers.get("x-csrf-token"), data.csrf if data else ""):
        raise HTTPException(403, "Thiếu mã CSRF (X-CSRF-Token) / missing CSRF header")
    return user


def api_scope(request: Request, user: Annotated[User, Depends(api_user)]) -> Scope:
    with session_scope(web(request).engine, write=False) as session:
        return scope_for(session, user)


def api_agency(request: Request, creds: Credentials) -> str:
    """The agency id of a response-link token used as a bearer."""
    if creds is None:
        raise _unauthorized("Cần mã liên kết của cơ quan / agency link token required")
    ctx = web(request)
    try:
        agency_id, signed_at = read_token_at(creds.credentials, secret=ctx.secret,
                                             max_age_s=ctx.settings.link_max_age_days * 86400)
    except LinkError as exc:
        raise _unauthorized(str(exc)) from None
    with session_scope(ctx.engine, write=False) as session:
        if link_revoked(session, agency_id, signed_at):
            raise _unauthorized("Liên kết đã bị thu hồi / link revoked")
    return agency_id


ApiUser = Annotated[User, Depends(api_user)]
ApiScope = Annotated[Scope, Depends(api_scope)]
ApiAgency = Annotated[str, Depends(api_agency)]
