"""GET /health (JSON for probes) and GET /status (a minimal page)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse
from markupsafe import escape
from sqlalchemy import text

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


@router.get("/status", response_class=HTMLResponse)
def status_page(request: Request) -> HTMLResponse:
    report = status_report(request.app.state.engine)
    rows = "".join(f"<tr><td>{escape(j['job'])}</td><td>{escape(j['started_at'])}</td><td>{'✔' if j['ok'] else '✘'}</td>"
                   f"<td>{escape(str(j['counts']))}</td><td>{escape(j['error'])}</td></tr>" for j in report["jobs"])
    outbox = ", ".join(f"{escape(k)}: {v}" for k, v in sorted(report["outbox"].items())) or "trống"
    return HTMLResponse(f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Trạng thái dondoc</title></head>
<body style="font-family:sans-serif"><h1>Trạng thái hệ thống</h1><p>Hàng đợi thư: {outbox}</p>
<table border="1" cellpadding="4"><tr><th>Việc</th><th>Lần chạy gần nhất</th><th>Kết quả</th><th>Số liệu</th><th>Lỗi</th></tr>{rows}</table>
</body></html>""")
