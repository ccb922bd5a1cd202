"""The admin page for access: users (disable, enable, new password), API
tokens (revoke) and agency links (revoke). Admins only; every change goes
through dondoc.web.access, which ends the sessions concerned and writes an
audit Event."""
from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import select

from dondoc.store.db import session_scope
from dondoc.store.models import Agency
from dondoc.web import access
from dondoc.web.deps import AdminDep, PageError, csrf_protect, web
from dondoc.web.models import User
from dondoc.web.params import RowId
from dondoc.web.render import page
from dondoc.web.users import UserError

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])


@router.get("/admin/users")
def access_page(request: Request, user: AdminDep, done: str = "") -> Response:
    ctx = web(request)
    with session_scope(ctx.engine, write=False) as session:
        users = access.users_overview(session, now=ctx.now())
        tokens = access.tokens_overview(session)
        names = dict(session.exec(select(Agency.id, Agency.name).order_by(Agency.id)).all())
    return page(request, "access.html", dict(users=users, tokens=tokens, names=names, done=done[:200], error=""))


def _act(request: Request, admin: User, action: Callable[..., Any], done: str, **kwargs: Any) -> Response:
    ctx = web(request)
    try:
        with session_scope(ctx.engine) as session:
            action(session, by=access.Actor("user", admin.username), now=ctx.now(), **kwargs)
    except UserError as exc:
        raise PageError(400, str(exc)) from None
    return RedirectResponse(f"/admin/users?done={quote(done, safe='')}", status_code=303)


def _username(request: Request, user_id: int) -> str:
    with session_scope(web(request).engine, write=False) as session:
        user = session.get(User, user_id)
    if user is None:
        raise PageError(404, "Không có người dùng này / no such user")
    return user.username


@router.post("/admin/users/{user_id}/disable")
def disable(request: Request, user_id: RowId, user: AdminDep) -> Response:
    name = _username(request, user_id)
    if name == user.username:
        raise PageError(400, "Không tự khóa tài khoản của mình / you cannot disable yourself")
    return _act(request, user, access.set_active, f"đã khóa {name} / disabled", username=name, active=False)


@router.post("/admin/users/{user_id}/enable")
def enable(request: Request, user_id: RowId, user: AdminDep) -> Response:
    name = _username(request, user_id)
    return _act(request, user, access.set_active, f"đã mở khóa {name} / enabled", username=name, active=True)


@router.post("/admin/users/{user_id}/password")
def password(request: Request, user_id: RowId, user: AdminDep,
             password: Annotated[str, Form(max_length=1000)] = "") -> Response:
    name = _username(request, user_id)
    return _act(request, user, access.set_password, f"đã đổi mật khẩu của {name} / password changed", username=name, password=password)


@router.post("/admin/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: RowId, user: AdminDep) -> Response:
    return _act(request, user, access.revoke_token, f"đã thu hồi mã #{token_id} / token revoked", token_id=token_id)


@router.post("/admin/agencies/revoke-links")
def revoke_links(request: Request, user: AdminDep, agency: Annotated[str, Form(max_length=120)] = "") -> Response:
    if "\x00" in agency:
        raise PageError(400, "Mã cơ quan không hợp lệ / invalid agency id")
    return _act(request, user, access.revoke_links, f"đã thu hồi liên kết của {agency} / links revoked", agency_id=agency.strip())
