"""SMTP sinks for the outbox benchmark: N aiosmtpd processes listening on one
port with SO_REUSEPORT, so the kernel spreads the sender's connections over
them (one aiosmtpd process accepts ~500-700 messages/s on this machine).
Each process counts what it accepted and prints the count when stopped.

    python -m bench.sinks serve PORT     (one process; used by Sinks)
"""
from __future__ import annotations

import asyncio
import resource
import signal
import socket
import subprocess
import sys
import time

from aiosmtpd.smtp import SMTP

from bench.common import ROOT


class Counter:
    """An aiosmtpd handler that accepts every message and keeps nothing."""

    def __init__(self) -> None:
        self.messages = 0
        self.bytes = 0

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802
        self.messages += 1
        self.bytes += len(envelope.original_content or envelope.content or b"")
        return "250 OK"


async def _serve(port: int) -> None:
    handler = Counter()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, hostname="bench-sink", enable_SMTPUTF8=True),
                                      host="127.0.0.1", port=port, reuse_port=True)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    print("ready", flush=True)
    await stop.wait()
    server.close()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"{handler.messages} {handler.bytes} {usage.ru_utime + usage.ru_stime:.3f}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sinks:
    """`count` sink processes on one free port; a context manager."""

    def __init__(self, count: int):
        self.count, self.port = count, free_port()
        self.procs: list[subprocess.Popen] = []
        self.accepted = 0
        self.cpu_s = 0.0

    def __enter__(self) -> "Sinks":
        for _ in range(self.count):
            proc = subprocess.Popen([sys.executable, "-m", "bench.sinks", "serve", str(self.port)], cwd=ROOT,
                                    stdout=subprocess.PIPE, text=True)
            self.procs.append(proc)
            if proc.stdout is None or proc.stdout.readline().strip() != "ready":
                raise RuntimeError("an SMTP sink did not start")
        return self

    def __exit__(self, *_: object) -> None:
        for proc in self.procs:
            proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            out, _ = proc.communicate(timeout=30)
            if out.strip():
                messages, _, cpu = out.split()
                self.accepted += int(messages)
                self.cpu_s += float(cpu)


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "serve":
        asyncio.run(_serve(int(sys.argv[2])))
        return
    with Sinks(int(sys.argv[1]) if len(sys.argv) > 1 else 2) as sinks:
        print(f"listening on 127.0.0.1:{sinks.port}; Ctrl-C to stop", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
