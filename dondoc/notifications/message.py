"""Build the MIME message of an outbox row (pure)."""
from __future__ import annotations

import re
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from dondoc.notifications.render import one_line

_BAD_ADDR = re.compile(r"[\r\n<>,;\x00-\x1f]")


class BadAddress(ValueError):
    pass


def clean_address(addr: str) -> str:
    """A bare address with no room for header injection."""
    if _BAD_ADDR.search(addr) or addr.count("@") != 1:
        raise BadAddress(f"invalid email address {addr!r}")
    return addr


def message_id(key: str) -> str:
    return f"<{re.sub(r'[^A-Za-z0-9._-]', '-', key)}@dondoc>"


def build_message(*, key: str, subject: str, text: str, html: str, to: list[str], mail_from: str,
                  date: datetime) -> EmailMessage:
    msg = EmailMessage()
    name, addr = parseaddr(mail_from)
    msg["From"] = str(Address(one_line(name), addr_spec=clean_address(addr))) if name else clean_address(addr)
    msg["To"] = ", ".join(clean_address(a) for a in to)
    msg["Subject"] = one_line(subject)
    msg["Message-ID"] = message_id(key)
    msg["Date"] = format_datetime(date)
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Dondoc-Key"] = one_line(key)
    msg.set_content(text, charset="utf-8")
    msg.add_alternative(html, subtype="html", charset="utf-8")
    return msg
