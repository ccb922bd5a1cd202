"""A plan file (.txt, .docx or a PDF with text) -> numbered lines.

Only `read_source` touches the file system; `decode_text` and `from_text`
are pure. Line numbers are what a coordinator can find again: the line of a
.txt file, the paragraph / table-row number of a .docx (see wordfile.py).
"""
from __future__ import annotations

import codecs
from pathlib import Path

from dondoc.importer.errors import PlanImportError
from dondoc.importer.lines import MAX_LINES, Line, SourceText, too_long
from dondoc.importer.markdown import unwrap
from dondoc.importer.wordfile import docx_lines

MAX_BYTES = 20 * 1024 * 1024
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"          # Word 97-2003 .doc, old .xls
_PDF = b"%PDF"


def from_text(text: str, name: str) -> SourceText:
    """Plain text -> one Line per line, numbered from 1 like an editor does."""
    if text.count("\n") > MAX_LINES or (text.count("\r") > MAX_LINES):
        raise too_long(name, max(text.count("\n"), text.count("\r")) + 1, MAX_LINES)
    rows = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = tuple(Line(i, row) for i, row in enumerate(rows, start=1))
    if name.lower().endswith((".md", ".markdown")):
        lines = unwrap(lines)           # a crawled web page: hard-wrapped paragraphs, flattened tables
    return SourceText(name, lines)


def decode_text(raw: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else is a clear error."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise PlanImportError(name, "tệp UTF-16 bị hỏng / broken UTF-16 text") from None
    if b"\x00" in raw[:4096]:
        raise PlanImportError(name, "tệp nhị phân, không phải văn bản / binary file, not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PlanImportError(
            name,
            "không phải văn bản UTF-8 (có thể là mã TCVN3/VNI hoặc Windows-1258); hãy mở bằng Word và lưu lại "
            "dạng .docx hoặc 'Plain Text, UTF-8' / not UTF-8 text: save it as .docx or UTF-8 text",
            line,
        ) from None


def _check_kind(raw: bytes, path: Path, name: str) -> str:
    if not raw.strip():
        raise PlanImportError(name, "tệp rỗng / empty file")
    if len(raw) > MAX_BYTES:
        raise PlanImportError(name, f"tệp quá lớn (> {MAX_BYTES // 1024 // 1024} MB) / file too large")
    if raw.startswith(_OLE) or path.suffix.lower() == ".doc":
        raise PlanImportError(name, "tệp Word 97-2003 (.doc) chưa được hỗ trợ: hãy mở bằng Word, chọn “Lưu thành” "
                                    "(Save As) .docx, hoặc xuất PDF có chữ / a Word 97-2003 .doc: save it as .docx "
                                    "or export a PDF with text")
    if raw.startswith(_PDF) or path.suffix.lower() == ".pdf":
        return "pdf"
    if raw.startswith(_ZIP) or path.suffix.lower() == ".docx":
        return "docx"
    return "text"


def read_source(path: Path, name: str | None = None) -> SourceText:
    """Read a .txt, .docx or .pdf plan; raise PlanImportError on anything unreadable."""
    name = name or path.name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PlanImportError(name, "không tìm thấy tệp / file not found") from None
    except OSError as exc:
        raise PlanImportError(name, f"không đọc được tệp / cannot read file: {exc.strerror}") from None
    kind = _check_kind(raw, path, name)
    if kind == "pdf":  # lines in reading order (dondoc/importer/pdffile.py)
        from dondoc.importer.pdffile import pdf_lines

        return from_text("\n".join(pdf_lines(raw, name)), name)
    if kind == "docx":
        return SourceText(name, docx_lines(raw, name))
    return from_text(decode_text(raw, name), name)
