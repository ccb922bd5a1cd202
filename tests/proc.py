"""Run real `dondoc` processes from tests."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable


def dondoc_env(url: str, smtp_port: int, **extra: str) -> dict[str, str]:
    env = dict(os.environ, DONDOC_DATABASE_URL=url, DONDOC_SMTP_PORT=str(smtp_port), DONDOC_SECRET_KEY="test-secret",
               DONDOC_CAPTURE_MAIL="false")
    env.update({f"DONDOC_{k.upper()}": str(v) for k, v in extra.items()})
    return env


def spawn(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "dondoc", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def kill_when(proc: subprocess.Popen, ready: Callable[[], bool], timeout: float = 60) -> bool:
    """SIGKILL `proc` as soon as `ready()`; False if it finished first."""
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None:
            return False
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("kill point never reached")
        time.sleep(0.002)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return True
