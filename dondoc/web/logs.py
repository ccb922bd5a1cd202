"""No secret in the request logs: an agency link's token (`/r/<token>`, valid
for weeks) is written `/r/<redacted>` by uvicorn's access log and by ours."""
from __future__ import annotations

import logging
import re

_LINK = re.compile(r"/r/[^/?#\s\"]+")
REDACTED = "/r/<redacted>"


def redact_path(path: str) -> str:
    return _LINK.sub(REDACTED, path)


class RedactLinks(logging.Filter):
    """Rewrites the request line of uvicorn.access records (args: client, method, path, version, status)
    and any message that quotes a link."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact_path(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str) and "/r/" in record.msg:
            record.msg = redact_path(record.msg)
        return True


def redact_access_logs() -> None:
    """Install the filter (once) on the loggers that write request lines."""
    for name in ("uvicorn.access", "uvicorn.error", "dondoc.web"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactLinks) for f in logger.filters):
            logger.addFilter(RedactLinks())
