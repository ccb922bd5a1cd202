"""Build the MIME bytes of an outbox row (pure).

Built with the compat32 MIME classes, not `EmailMessage`: the header
registry's parsing and folding cost more than the SMTP round trip, and a
sender at thousands of emails a second feels it. Headers are still RFC 2047
encoded (UTF-8) and no caller text can reach a header unencoded.
"""
from __future__ import annotations

import re
from datetime import datetime
from email.charset import QP, Charset
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, parseaddr

from dondoc.notifications.render import one_line

_BAD_ADDR = re.compile(r"[\r\n<>,;\x00-\x1f\s]")
_UTF8_QP = Charset("utf-8")
_UTF8_QP.body_encoding = QP
_SMTP_POLICY = compat32.clone(linesep="\r\n")


class BadAddress(ValueError):
    pass


def clean_address(addr: str) -> str:
    """A bare address with no room for header injection."""
    if _BAD_ADDR.search(addr) or addr.count("@") != 1:
        raise BadAddress(f"invalid email address {addr!r}")
    return addr


def message_id(key: str) -> str:
    return f"<{re.sub(r'[^A-Za-z0-9._-]', '-', key)}@dondoc>"


def _from_header(mail_from: str) -> tuple[str, str]:
    name, addr = parseaddr(mail_from)
    addr = clean_address(addr)
    return (formataddr((str(Header(one_line(name), "utf-8")), addr)) if name else addr), addr


def build_message(*, key: str, subject: str, text: str, html: str, to: list[str], mail_from: str,
                  date: datetime) -> MIMEMultipart:
    """multipart/alternative: a plain-text part and an HTML part, both UTF-8."""
    msg = MIMEMultipart("alternative")
    msg["From"] = _from_header(mail_from)[0]
    msg["To"] = ", ".join(clean_address(a) for a in to)
    msg["Subject"] = Header(one_line(subject), "utf-8")
    msg["Message-ID"] = message_id(key)
    msg["Date"] = format_datetime(date)
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Dondoc-Key"] = one_line(key)
    msg.attach(MIMEText(text, "plain", _UTF8_QP))
    msg.attach(MIMEText(html, "html", _UTF8_QP))
    return msg


def to_bytes(msg: MIMEMultipart) -> bytes:
    """The message as SMTP wants it: CRLF line ends."""
    return msg.as_bytes(policy=_SMTP_POLICY)


def envelope_sender(mail_from: str) -> str:
    return _from_header(mail_from)[1]
