"""Evidence files (minh chứng): checked by content, stored once under the
files directory as `<sha256[:2]>/<sha256>` (the name the agency gave is kept
in the row only), written before the row so a row never names a missing file."""
from __future__ import annotations

import hashlib
import os
import re
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from dondoc.engine.filetypes import ACCEPTED_VI, sniff
from dondoc.store.conversation_models import Evidence
from dondoc.store.errors import ActionError, BadFile
from dondoc.store.models import Event, Occurrence
from dondoc.store.status import Actor

_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\\"<>:|?*]+")


def safe_name(name: str | None) -> str:
    """A display name without path parts or control characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return _UNSAFE_NAME.sub("_", base).strip(" .")[:200] or "minh-chung"


def check(data: bytes, *, max_bytes: int) -> str:
    """The media type of an acceptable file, or an ActionError saying why not."""
    if not data:
        raise BadFile("Tệp minh chứng trống / the file is empty")
    if len(data) > max_bytes:
        raise ActionError(f"Tệp lớn quá {max_bytes // (1024 * 1024)} MB / the file is larger than the limit")
    media_type = sniff(data)
    if media_type is None:
        raise BadFile(f"Nội dung tệp không phải {ACCEPTED_VI} (kiểm tra theo nội dung, không theo tên) "
                          "/ the file's content is not an accepted type (PDF, Word, Excel, PNG, JPEG)")
    return media_type


def path_of(files_dir: Path, sha256: str) -> Path:
    return Path(files_dir) / sha256[:2] / sha256


def _store(files_dir: Path, sha256: str, data: bytes) -> None:
    target = path_of(files_dir, sha256)
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)  # atomic: a reader never sees half a file


def attach(session: Session, occ: Occurrence, *, data: bytes, filename: str | None, actor: Actor, now: datetime,
           files_dir: Path, max_bytes: int) -> Evidence:
    """Check, store and record one file on an item; the same file twice is the same row."""
    media_type = check(data, max_bytes=max_bytes)
    sha256 = hashlib.sha256(data).hexdigest()
    existing = session.execute(select(Evidence).where(Evidence.occurrence_id == occ.id,
                                                      Evidence.sha256 == sha256)).scalar_one_or_none()
    if existing is not None:
        return existing
    _store(files_dir, sha256, data)
    row = Evidence(occurrence_id=occ.id, sha256=sha256, size=len(data), media_type=media_type,
                   filename=safe_name(filename), uploaded_at=now, uploaded_by_kind=actor.kind, uploaded_by=actor.id)
    session.add(row)
    session.flush()
    session.add(Event(at=now, actor_kind=actor.kind, actor=actor.id, kind="evidence.added", plan_id=occ.plan_id,
                      task_id=occ.task_id, occurrence_id=occ.id,
                      after={"evidence": row.id, "sha256": sha256, "size": row.size, "filename": row.filename}))
    return row


def of_occurrences(session: Session, occurrence_ids: list[int]) -> dict[int, list[Evidence]]:
    out: dict[int, list[Evidence]] = {i: [] for i in occurrence_ids}
    if occurrence_ids:
        q = select(Evidence).where(Evidence.occurrence_id.in_(occurrence_ids)).order_by(Evidence.id)
        for e in session.execute(q).scalars():
            out[e.occurrence_id].append(e)
    return out
