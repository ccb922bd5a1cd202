"""Dashboard under load: dondoc's web app (create_app, one uvicorn process,
the embedded default) on a copy of the generated data set, clock frozen at
NOW, an admin logged in; 20 concurrent clients for 30 s on loopback with wrk
(Debian's package) against GET /dashboard (the HTML page) and GET
/api/reports/summary (the same numbers as JSON, bearer token).
Requests/s and latency percentiles as wrk measures them.

    python -m bench.dashboard --db sqlite --size 1000000 --clients 20 --seconds 30
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench import store
from bench.common import ROOT, Timer, ms, record, say
from bench.sinks import free_port
from bench.store import Db, clone, drop
from bench.world import NOW
from dondoc.store.db import get_engine, migrate, session_scope

USER, PASSWORD = "bench-admin", "bench-password-0001"
SECRET = "bench-secret-bench-secret-bench-secret-00"
LUA = Path(__file__).resolve().parent / "wrk_report.lua"
TARGETS = {"page": "/dashboard", "api": "/api/reports/summary", "province": "/dashboard?agency=ubnd-tinh-nghe-an"}


def serve(url: str, port: int) -> None:
    """Run the app (used in a child process)."""
    import uvicorn

    from dondoc.settings import Settings
    from dondoc.web.app import create_app

    settings = Settings(database_url=url, secret_key=SECRET, base_url=f"http://127.0.0.1:{port}")
    app = create_app(settings, get_engine(url), clock=lambda: NOW)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def _add_admin(url: str) -> str:
    from dondoc.web.users import create_token, create_user

    engine = get_engine(url)
    migrate(engine)
    with session_scope(engine) as session:
        create_user(session, username=USER, password=PASSWORD, role="admin", now=datetime.now(UTC))
        return create_token(session, username=USER, now=datetime.now(UTC), name="bench")


def _wait(base: str, proc: subprocess.Popen) -> None:
    for _ in range(600):
        if proc.poll() is not None:
            raise RuntimeError("the web app exited at start-up")
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("the web app did not start")


def _login(base: str) -> str:
    with httpx.Client(base_url=base, timeout=120) as client:
        form = client.get("/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
        done = client.post("/login", data={"username": USER, "password": PASSWORD, "csrf": csrf, "next": "/dashboard"})
        if done.status_code != 303:
            raise RuntimeError(f"login failed: {done.status_code}")
        return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


def _single(base: str, path: str, headers: dict) -> dict:
    """One request alone (no load): its latency and size."""
    with Timer() as t:
        r = httpx.get(base + path, headers=headers, timeout=600)
    r.raise_for_status()
    return {"alone_ms": ms(t.seconds), "bytes": len(r.content)}


def _wrk(base: str, path: str, header: str, clients: int, seconds: int) -> dict:
    cmd = ["wrk", "-t", "2", "-c", str(clients), "-d", f"{seconds}s", "--timeout", "120s", "-H", header, "-s",
           str(LUA), base + path]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=seconds + 600).stdout
    w = json.loads(out.strip().splitlines()[-1])
    done = w["requests"] > 0  # with none completed, wrk's percentiles are 0: report None instead
    return {"requests": w["requests"], "rps": round(w["requests"] / (w["duration_us"] / 1e6), 2),
            **{f"p{p}_ms": round(w[f"p{p}_us"] / 1000, 1) if done else None for p in (50, 95, 99)},
            "errors": w["non2xx"] + w["socket_errors"]}


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:  # still busy with requests wrk left behind
        proc.kill()
        proc.wait()


def _target(copy: Db, token: str, name: str, path: str, clients: int, seconds: int) -> dict:
    """One target on a fresh server, so that requests wrk abandoned at the end
    of one measurement do not slow the next."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (store.WORKDIR / f"web-{copy.name}-{name}.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "bench.dashboard", "serve", copy.url, str(port)], cwd=ROOT,
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait(base, proc)
        header = f"Authorization: Bearer {token}" if path.startswith("/api") else f"Cookie: {_login(base)}"
        key, value = header.split(": ", 1)
        out = _single(base, path, {key: value}) | _wrk(base, path, header, clients, seconds)
    finally:
        _stop(proc)
        log.close()
    return {f"dashboard_{name}_{k}": v for k, v in out.items()}


def run(db: Db, *, clients: int = 20, seconds: int = 30) -> dict:
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is needed: apt-get install -y wrk")
    copy = clone(db, "web")
    figures: dict = {"db": db.kind, "clients": clients, "seconds": seconds}
    try:
        token = _add_admin(copy.url)
        for name, path in TARGETS.items():
            figures |= _target(copy, token, name, path, clients, seconds)
    finally:
        drop(copy)
    figures["dashboard_p95_ms"] = figures["dashboard_page_p95_ms"]
    say(f"dashboard [{db.kind}] {clients} clients x {seconds} s: "
        + "; ".join(f"{name} {figures[f'dashboard_{name}_requests']} requests, {figures[f'dashboard_{name}_rps']} req/s, "
                    f"p95 {figures[f'dashboard_{name}_p95_ms']} ms, {figures[f'dashboard_{name}_bytes']} bytes, "
                    f"{figures[f'dashboard_{name}_alone_ms']} ms alone" for name in TARGETS))
    return figures


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "serve":
        serve(argv[1], int(argv[2]))
        return
    from bench.datasets import dataset_arguments, ensure

    ap = argparse.ArgumentParser(prog="python -m bench.dashboard", description=__doc__)
    dataset_arguments(ap)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=int, default=30)
    args = ap.parse_args(argv)
    for db in ensure(args):
        record("dashboard", {"size": args.size, **run(db, clients=args.clients, seconds=args.seconds)})


if __name__ == "__main__":
    main()
