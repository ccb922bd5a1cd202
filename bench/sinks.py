"""SMTP sinks for the outbox benchmark: N aiosmtpd processes listening on one
port with SO_REUSEPORT, so the kernel spreads the sender's connections over
them (one aiosmtpd process accepts ~500-700 messages/s on this machine).
Each process counts what it accepted and prints the count when stopped.

With a delay (`delay_ms` > 0) each process puts a relay's distance between
the sender and its aiosmtpd: the public port is a proxy that holds every byte
the server sends back for `delay_ms` before passing it on (in order), so each
command costs one round trip of `delay_ms`, and commands written together
(ESMTP PIPELINING) share one, as on a real network. The server's CPU is not
slowed: waiting is a timer, not a sleep in the handler.

    python -m bench.sinks serve PORT [DELAY_MS]     (one process; used by Sinks)
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


async def _deliver(queue: asyncio.Queue, writer: asyncio.StreamWriter) -> None:
    """Write each (due time, bytes) when it is due, in arrival order."""
    loop = asyncio.get_running_loop()
    try:
        while (item := await queue.get())[1]:
            wait = item[0] - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(item[1])
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay_s: float) -> None:
    """Copy reader to writer, each chunk `delay_s` late (0: at once)."""
    loop, queue = asyncio.get_running_loop(), asyncio.Queue()
    deliver = loop.create_task(_deliver(queue, writer))
    try:
        while data := await reader.read(65536):
            queue.put_nowait((loop.time() + delay_s, data))
    except (ConnectionError, OSError):
        pass
    finally:
        queue.put_nowait((loop.time() + delay_s, b""))
        await deliver


def _proxy(target: int, delay_s: float):  # noqa: ANN202
    async def connected(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        server_r, server_w = await asyncio.open_connection("127.0.0.1", target)
        await asyncio.gather(_pump(client_r, server_w, 0.0), _pump(server_r, client_w, delay_s))
    return connected


async def _serve(port: int, delay_ms: float = 0.0) -> None:
    handler = Counter()
    loop = asyncio.get_running_loop()
    factory = lambda: SMTP(handler, hostname="bench-sink", enable_SMTPUTF8=True)  # noqa: E731
    if delay_ms > 0:
        inner = await loop.create_server(factory, host="127.0.0.1", port=0)
        target = inner.sockets[0].getsockname()[1]
        server = await asyncio.start_server(_proxy(target, delay_ms / 1000), host="127.0.0.1", port=port,
                                            reuse_port=True)
    else:
        server = await loop.create_server(factory, host="127.0.0.1", port=port, reuse_port=True)
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

    def __init__(self, count: int, delay_ms: float = 0.0):
        self.count, self.port, self.delay_ms = count, free_port(), delay_ms
        self.procs: list[subprocess.Popen] = []
        self.accepted = 0
        self.cpu_s = 0.0

    def __enter__(self) -> Sinks:
        for _ in range(self.count):
            proc = subprocess.Popen([sys.executable, "-m", "bench.sinks", "serve", str(self.port),
                                     str(self.delay_ms)], cwd=ROOT,
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
    if len(sys.argv) in (3, 4) and sys.argv[1] == "serve":
        asyncio.run(_serve(int(sys.argv[2]), float(sys.argv[3]) if len(sys.argv) == 4 else 0.0))
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
