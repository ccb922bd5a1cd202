"""A deliberately broken SMTP server on 127.0.0.1 for outage tests."""
from __future__ import annotations

import asyncio
import threading


class FaultySmtp:
    """mode: 'greet-421' (refuse at connect), 'hang' (accept, never answer),
    'close-in-data' (drop the connection in the middle of DATA)."""

    def __init__(self, port: int, mode: str):
        self.port, self.mode = port, mode
        self.connections = 0
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server: asyncio.AbstractServer | None = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            if self.mode == "greet-421":
                writer.write(b"421 4.3.2 Service not available, closing\r\n")
                await writer.drain()
                return
            if self.mode == "hang":
                await asyncio.sleep(3600)
                return
            writer.write(b"220 faulty ESMTP\r\n")
            while line := await reader.readline():
                cmd = line.strip().upper()
                if cmd.startswith((b"EHLO", b"HELO")):
                    writer.write(b"250-faulty\r\n250 8BITMIME\r\n")
                elif cmd == b"DATA":
                    writer.write(b"354 go ahead\r\n")
                    await writer.drain()
                    await reader.readline()
                    return  # drop the connection mid-DATA
                elif cmd == b"QUIT":
                    writer.write(b"221 bye\r\n")
                    return
                else:
                    writer.write(b"250 OK\r\n")
                await writer.drain()
        finally:
            writer.close()

    def start(self) -> FaultySmtp:
        self.thread.start()
        self.server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._handle, "127.0.0.1", self.port), self.loop).result()
        return self

    def stop(self) -> None:
        async def close() -> None:
            self.server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(close(), self.loop).result()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
