"""What every benchmark shares: running a contender in its own process (so
that its peak RSS is its own), percentiles, the machine description, and the
JSON line each run appends to var/bench/ (ignored by git; docs/benchmarks.md keeps the figures that matter)."""
from __future__ import annotations

import json
import os
import platform
import resource
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(os.environ.get("DONDOC_BENCH_RESULTS", ROOT / "var" / "bench"))


def rss_mb() -> float:
    """Peak resident set size of this process so far. VmHWM, not ru_maxrss:
    Linux carries ru_maxrss over fork and exec, so a child would report its
    parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def child(module: str, *args: str, timeout: float = 3600) -> dict:
    """Run `python -m module args` and return the JSON object it prints last."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True, env=env,
                          timeout=timeout, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


RESTARTED = ("server closed the connection", "terminating connection", "Connection refused",
             "the database system is", "connection failed")


def retry_if_restarted(fn, *, attempts: int = 3):  # noqa: ANN001, ANN201
    """Call fn(); again if it failed because PostgreSQL went away (the shared
    cluster is restarted by dondoc's reliability tests)."""
    for attempt in range(attempts):
        try:
            return fn()
        except RuntimeError as exc:
            if attempt == attempts - 1 or not any(s in str(exc) for s in RESTARTED):
                raise
            say(f"PostgreSQL went away ({str(exc).splitlines()[0][:80]}...); waiting and running again")
            time.sleep(10)
    raise AssertionError("unreachable")


def emit(payload: dict) -> None:
    """A child's answer: one JSON line on stdout."""
    sys.stdout.write(json.dumps(payload, default=str) + "\n")
    sys.stdout.flush()


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def ratio(a: float, b: float) -> float | None:
    return round(a / b, 2) if b else None


class Timer:
    def __enter__(self) -> Timer:
        self.started = time.perf_counter()
        return self

    def __exit__(self, *_: object) -> None:
        self.seconds = time.perf_counter() - self.started


def _meminfo_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 1024 / 1024, 1)
    return 0.0


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def _git_rev() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def machine() -> dict:
    return {"cores": os.cpu_count(), "memory_gib": _meminfo_gib(), "cpu": _cpu_model(),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version, "git": _git_rev(),
            "loadavg_1m": round(os.getloadavg()[0], 2)}


def record(benchmark: str, figures: dict) -> dict:
    """Append one JSON line to var/bench/<benchmark>.jsonl; returns it."""
    line = {"benchmark": benchmark, "at": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine(),
            **figures}
    RESULTS.mkdir(parents=True, exist_ok=True)
    with (RESULTS / f"{benchmark}.jsonl").open("a") as f:
        f.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")
    return line


def say(text: str) -> None:
    """Human-readable progress and figures go to stderr; stdout is for --json."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()
