"""A real Prefect server and process workers as subprocesses, each with its own
PREFECT_HOME, stopped (terminate, then kill) when the block ends."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.conftest import free_port

PREFECT = Path(sys.executable).parent / "prefect"


def prefect_env(home: Path, **extra: str) -> dict[str, str]:
    """This process's environment without its PREFECT_* settings (the test harness's)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_LOGGING_LEVEL="WARNING",
               **extra)
    return env


def _stop(proc: subprocess.Popen) -> None:
    """Ctrl-C as a person stops a worker or server, a second one if it lingers, then kill."""
    for _ in range(2):
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
            return
        except subprocess.TimeoutExpired:
            pass
    proc.kill()
    proc.wait()


def _wait_healthy(url: str, proc: subprocess.Popen, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"prefect server exited with {proc.returncode}"
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"prefect server not healthy on {url} after {timeout_s}s")


@contextmanager
def prefect_server(home: Path, *, scheduler: bool = True) -> Iterator[str]:
    """`prefect server start` (SQLite in `home`, UI off) on a free port; yields the API URL."""
    port = free_port()
    env = prefect_env(home, PREFECT_SERVER_UI_ENABLED="false", PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED=str(scheduler))
    proc = subprocess.Popen([str(PREFECT), "server", "start", "--host", "127.0.0.1", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api"
    try:
        _wait_healthy(url, proc)
        yield url
    finally:
        _stop(proc)


@contextmanager
def prefect_workers(home: Path, api_url: str, pool: str, n: int, **env: str) -> Iterator[list[Path]]:
    """`n` × `prefect worker start --pool`, polling every 2 s; yields their log files."""
    logs = [home / f"worker-{i}.log" for i in range(n)]
    wenv = prefect_env(home, PREFECT_API_URL=api_url, PREFECT_WORKER_QUERY_SECONDS="2", **env)
    procs = [subprocess.Popen([str(PREFECT), "worker", "start", "--pool", pool, "--name", f"worker-{i}"], env=wenv,
                              stdout=log.open("w"), stderr=subprocess.STDOUT) for i, log in enumerate(logs)]
    try:
        yield logs
    finally:
        for proc in procs:
            _stop(proc)
