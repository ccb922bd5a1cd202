"""The dashboard while agencies report: dondoc's web app (one uvicorn process,
the embedded default, clock frozen at NOW) on a copy of the data set; wrk
clients on /dashboard (admin session) and /api/reports/summary (bearer
token), half each, first on a quiet database, then while status changes
(not_started -> in_progress, a different occurrence each time) arrive at
`writes_per_s` through POST /api/occurrences/{id}/status. Every change bumps
the tally's generation, so the cached views are recomputed: the second phase
measures what a cache miss costs under traffic.

Reported: p95 of each target in each phase, the slower of the two as
`dashboard_quiet_p95_ms` / `dashboard_under_writes_p95_ms`, and the writes'
own latency and count (a write refused or failed fails the run).

    python -m bench.live --db sqlite --size 100000 --clients 20 --seconds 20
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import threading
import time

import httpx
from sqlalchemy import text

from bench import store
from bench.common import ROOT, ms, percentile, record, say
from bench.dashboard import LUA, _add_admin, _login, _stop, _wait
from bench.sinks import free_port
from bench.store import Db, clone, drop
from dondoc.store.db import get_engine

TARGETS = {"page": "/dashboard", "api": "/api/reports/summary"}


def _wrk(base: str, path: str, header: str, clients: int, seconds: int) -> subprocess.Popen:
    cmd = ["wrk", "-t", "1", "-c", str(clients), "-d", f"{seconds}s", "--timeout", "120s", "-H", header, "-s",
           str(LUA), base + path]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _result(proc: subprocess.Popen, seconds: int) -> dict:
    import json

    out, err = proc.communicate(timeout=seconds + 600)
    if proc.returncode:
        raise RuntimeError(f"wrk failed: {err[-2000:]}")
    w = json.loads(out.strip().splitlines()[-1])
    done = w["requests"] > 0
    return {"requests": w["requests"], "rps": round(w["requests"] / (w["duration_us"] / 1e6), 2),
            "p95_ms": round(w["p95_us"] / 1000, 1) if done else None, "errors": w["non2xx"] + w["socket_errors"]}


class Writer(threading.Thread):
    """POSTs one status change every 1/rate s (a fixed schedule, not after the
    previous answer), each to the next occurrence of `ids`."""

    def __init__(self, base: str, token: str, ids: list[int], rate: float, seconds: float):
        super().__init__(daemon=True)
        self.base, self.token, self.ids, self.rate, self.seconds = base, token, ids, rate, seconds
        self.latencies: list[float] = []
        self.failures: list[str] = []

    def run(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        start = time.monotonic()
        with httpx.Client(base_url=self.base, headers=headers, timeout=60) as client:
            for n, occ in enumerate(self.ids):
                due = start + n / self.rate
                if due - start >= self.seconds:
                    return
                time.sleep(max(0.0, due - time.monotonic()))
                t = time.perf_counter()
                r = client.post(f"/api/occurrences/{occ}/status", json={"status": "in_progress"})
                self.latencies.append(time.perf_counter() - t)
                if r.status_code != 200:
                    self.failures.append(f"{occ}: {r.status_code} {r.text[:200]}")


def _phase(base: str, headers: dict[str, str], clients: int, seconds: int, writer: Writer | None) -> dict:
    per = max(1, clients // len(TARGETS))
    procs = {name: _wrk(base, path, headers[name], per, seconds) for name, path in TARGETS.items()}
    if writer is not None:
        writer.start()
    out = {name: _result(proc, seconds) for name, proc in procs.items()}
    if writer is not None:
        writer.join()
    return out


def _ids(url: str, count: int) -> list[int]:
    with get_engine(url).connect() as conn:
        return list(conn.execute(text("SELECT id FROM occurrence WHERE status = 'not_started' ORDER BY id "
                                      "LIMIT :n"), {"n": count}).scalars())


def _serve_copy(copy: Db, port: int):  # noqa: ANN202
    log = (store.WORKDIR / f"web-{copy.name}-live.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "bench.dashboard", "serve", copy.url, str(port)], cwd=ROOT,
                            stdout=log, stderr=subprocess.STDOUT)
    return proc, log


def run(db: Db, *, clients: int = 20, seconds: int = 30, writes_per_s: float = 5.0) -> dict:
    copy = clone(db, "live")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    try:
        token = _add_admin(copy.url)
        ids = _ids(copy.url, int(writes_per_s * seconds) + 10)
        proc, log = _serve_copy(copy, port)
        try:
            _wait(base, proc)
            headers = {"page": f"Cookie: {_login(base)}", "api": f"Authorization: Bearer {token}"}
            first = {name: httpx.get(base + path, headers=dict([headers[name].split(": ", 1)]), timeout=600)
                     for name, path in TARGETS.items()}  # the day's tally and the views, built once
            if any(r.status_code != 200 for r in first.values()):
                raise RuntimeError(f"the dashboard answered {[r.status_code for r in first.values()]}")
            quiet = _phase(base, headers, clients, seconds, None)
            writer = Writer(base, token, ids, writes_per_s, seconds)
            busy = _phase(base, headers, clients, seconds, writer)
        finally:
            _stop(proc)
            log.close()
    finally:
        drop(copy)
    return _figures(db, clients, seconds, writes_per_s, quiet, busy, writer)


def _worst(phase: dict) -> float | None:
    values = [r["p95_ms"] for r in phase.values()]
    return None if None in values else max(values)


def _brief(phase: dict) -> str:
    return ", ".join(f"{name} {r['rps']} req/s p95 {r['p95_ms']} ms" for name, r in phase.items())


def _figures(db: Db, clients: int, seconds: int, rate: float, quiet: dict, busy: dict, writer: Writer) -> dict:
    if writer.failures:
        raise AssertionError(f"status changes failed: {writer.failures[:5]}")
    if any(r["errors"] for r in (*quiet.values(), *busy.values())):
        raise AssertionError(f"dashboard requests failed: quiet {quiet}, under writes {busy}")
    figures = {"db": db.kind, "live_clients": clients, "live_seconds": seconds, "live_writes_per_s": rate,
               "dashboard_quiet_p95_ms": _worst(quiet), "dashboard_under_writes_p95_ms": _worst(busy),
               "live_writes": len(writer.latencies),
               "live_write_p95_ms": ms(percentile(writer.latencies, 95)) if writer.latencies else None}
    for phase, results in (("quiet", quiet), ("under_writes", busy)):
        for name, r in results.items():
            figures |= {f"live_{phase}_{name}_{k}": v for k, v in r.items()}
    say(f"dashboard live [{db.kind}] {clients} clients x {seconds} s: quiet p95 {figures['dashboard_quiet_p95_ms']} ms "
        f"({_brief(quiet)}); under {rate} writes/s p95 {figures['dashboard_under_writes_p95_ms']} ms ({_brief(busy)}); "
        f"{figures['live_writes']} writes, p95 {figures['live_write_p95_ms']} ms")
    return figures


def main(argv: list[str] | None = None) -> None:
    from bench.datasets import dataset_arguments, ensure

    ap = argparse.ArgumentParser(prog="python -m bench.live", description=__doc__)
    dataset_arguments(ap)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--writes-per-s", type=float, default=5.0)
    args = ap.parse_args(sys.argv[1:] if argv is None else argv)
    for db in ensure(args):
        record("live", {"size": args.size, **run(db, clients=args.clients, seconds=args.seconds,
                                                 writes_per_s=args.writes_per_s)})


if __name__ == "__main__":
    main()
