"""GET /health (JSON for probes) and GET /status (a page for logged-in users)."""
from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text

from dondoc.web.deps import UserDep
from dondoc.web.render import page
from dondoc.workflows.status import status_report

router = APIRouter(include_in_schema=False)


@router.get("/health")
def health(request: Request) -> JSONResponse:
    service = getattr(request.app.state, "service", None)
    engine = request.app.state.engine
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        database = "ok"
    except Exception as exc:  # noqa: BLE001  (reported, not raised: this is the probe)
        database = f"error: {type(exc).__name__}"
    running = bool(service and service.scheduler.running)
    body: dict[str, Any] = {"status": "ok" if database == "ok" else "degraded",
                            "scheduler": "running" if running else "stopped",
                            "leader": bool(service and service.leader), "database": database,
                            "jobs": service.jobs() if running else []}
    return JSONResponse(body, status_code=200 if database == "ok" else 503)


@router.get("/status")
def status_page(request: Request, user: UserDep) -> Response:
    """The system status for logged-in users (it names jobs and errors: not for the public)."""
    report = status_report(request.app.state.engine)
    jobs = [dict(j, counts=json.dumps(j["counts"], ensure_ascii=False)) for j in report["jobs"]]
    return page(request, "status.html", dict(jobs=jobs, outbox=sorted(report["outbox"].items())))
