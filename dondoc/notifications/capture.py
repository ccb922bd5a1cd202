"""The embedded default's mail catcher: an aiosmtpd server on 127.0.0.1 that
keeps every message in a Maildir an admin can read (and the web shows)."""
from __future__ import annotations

import mailbox
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox


class CaptureServer:
    def __init__(self, maildir: Path, *, host: str = "127.0.0.1", port: int = 8025) -> None:
        maildir.parent.mkdir(parents=True, exist_ok=True)
        mailbox.Maildir(str(maildir), create=True)  # makes tmp/ new/ cur/
        self.maildir = maildir
        self.controller = Controller(Mailbox(str(maildir)), hostname=host, port=port)

    def start(self) -> CaptureServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    @property
    def port(self) -> int:
        return self.controller.port

