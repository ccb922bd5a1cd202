"""Web imports in a separate worker process with a time and a memory limit,
so that no upload can pin the web server (issue 15.2). The worker gets the
uploaded bytes and the registry, runs the importer under RLIMIT_AS, and
sends back the draft; past `import_timeout_s` it is killed. Either limit
answers a clear bilingual message (an ImportLimit, which is a
PlanImportError, so the import page shows it like any unreadable document)."""
from __future__ import annotations

import errno
import multiprocessing
import resource
import tempfile
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from dondoc.importer import ImportResult, PlanImportError
from dondoc.settings import Settings
from dondoc.store.db import session_scope

MB = 1024 * 1024
_CONTEXT = multiprocessing.get_context("spawn")  # never fork a threaded server (scheduler, SMTP capture)


class ImportLimit(PlanImportError):
    """The worker ran out of time or memory."""


def _time_message(name: str, seconds: float) -> ImportLimit:
    return ImportLimit(name, f"văn bản cần hơn {seconds:g} giây để đọc nên đã dừng; hãy chia nhỏ văn bản hoặc nhờ quản "
                             f"trị viên dùng `dondoc import-plan` / reading took longer than {seconds:g} s and was stopped")


def _memory_message(name: str, megabytes: int) -> ImportLimit:
    return ImportLimit(name, f"văn bản cần hơn {megabytes} MB bộ nhớ để đọc nên đã dừng; hãy chia nhỏ văn bản / reading "
                             f"needed more than {megabytes} MB of memory and was stopped")


def _child(conn: Connection, name: str, data: bytes, agencies: list, plans: list, memory_mb: int) -> None:
    # imported before the limit: the budget is for the document
    from dondoc.importer import import_plan

    resource.setrlimit(resource.RLIMIT_AS, (memory_mb * MB, memory_mb * MB))
    try:
        with tempfile.TemporaryDirectory(prefix="dondoc-import-") as tmp:
            path = Path(tmp) / f"upload{Path(name).suffix.lower()}"
            path.write_bytes(data)
            answer: tuple[str, Any] = ("ok", import_plan(path, agencies=agencies, plans=plans, source_name=name))
    except PlanImportError as exc:
        answer = ("refused", (exc.file, exc.message, exc.line))
    except MemoryError:
        answer = ("memory", None)
    except OSError as exc:  # the limit can also surface as ENOMEM from the OS (a temporary file, a thread)
        answer = ("memory", None) if exc.errno == errno.ENOMEM else ("error", f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # noqa: BLE001  (reported to the parent, which answers a page)
        answer = ("error", f"{type(exc).__name__}: {exc}")
    conn.send(answer)
    conn.close()


def draft_in_worker(engine: Engine, settings: Settings, *, name: str, data: bytes) -> ImportResult:
    """The importer's draft of the upload, computed in a worker process within the settings' limits."""
    from dondoc.web.import_data import registry

    with session_scope(engine, write=False) as session:
        agencies, plans = registry(session)
    receiver, sender = _CONTEXT.Pipe(duplex=False)
    worker = _CONTEXT.Process(target=_child, daemon=True, name="dondoc-import",
                              args=(sender, name, data, agencies, plans, settings.import_memory_mb))
    worker.start()
    sender.close()
    try:
        return _answer(receiver, worker, name, settings)
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join(5)
        receiver.close()


def _answer(receiver: Connection, worker: Any, name: str, settings: Settings) -> ImportResult:
    if not receiver.poll(settings.import_timeout_s):
        raise _time_message(name, settings.import_timeout_s)
    try:
        kind, payload = receiver.recv()
    except (EOFError, OSError):  # the worker died without answering: the kernel refused it memory
        raise _memory_message(name, settings.import_memory_mb) from None
    if kind == "ok":
        return payload
    if kind == "refused":
        file, message, line = payload
        raise PlanImportError(file, message, line)
    if kind == "memory":
        raise _memory_message(name, settings.import_memory_mb)
    raise RuntimeError(f"import worker: {payload}")
