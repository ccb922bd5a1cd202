"""`dondoc serve`: one process with the web app, the scheduler and, when no
mail server is configured, a local capturing SMTP server."""
from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.engine import Engine

from dondoc import clock
from dondoc.notifications.capture import CaptureServer
from dondoc.settings import Settings
from dondoc.web.health import router as health_router
from dondoc.workflows.scheduler import Service

log = logging.getLogger("dondoc.serve")


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex((host, port)) != 0


def start_capture(settings: Settings) -> CaptureServer | None:
    """The embedded default needs no mail server: catch mail locally."""
    if not settings.capture_mail or settings.smtp_host not in ("127.0.0.1", "localhost"):
        return None
    if not _port_free("127.0.0.1", settings.smtp_port):
        log.info("port %s already has an SMTP server; not starting the capture server", settings.smtp_port)
        return None
    server = CaptureServer(settings.maildir, port=settings.smtp_port).start()
    log.info("capturing outgoing mail in %s (SMTP 127.0.0.1:%s)", settings.maildir, settings.smtp_port)
    return server


def _base_app(settings: Settings, engine: Engine) -> FastAPI:
    try:
        from dondoc.web.app import create_app
    except ImportError:
        return FastAPI(title="dondoc")
    return create_app(settings, engine)


def build_app(settings: Settings, engine: Engine, *, scheduler: bool = True) -> FastAPI:
    app = _base_app(settings, engine)
    app.state.engine = engine
    app.include_router(health_router)
    previous = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: FastAPI) -> AsyncIterator[None]:
        capture = start_capture(settings) if scheduler else None
        service = Service(engine, settings, clock=clock.now) if scheduler else None
        a.state.service = service
        if service:
            service.start()
        try:
            async with previous(a):
                yield
        finally:
            if service:
                service.shutdown()
            if capture:
                capture.stop()

    app.router.lifespan_context = lifespan
    return app
