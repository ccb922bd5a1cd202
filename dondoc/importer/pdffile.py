"""A PDF plan with a text layer -> its lines in reading order (pdfplumber).

What a reader sees, as the text form writes it: one line per printed line,
a paragraph wrapped by the layout joined back into one line, a two-column
block (the letterhead: "ỦY BAN NHÂN DÂN / TỈNH X" beside "CỘNG HÒA XÃ HỘI ...")
read column by column, and each row of a ruled table as one `| cell | cell |`
line (a cell's own lines joined by spaces, a merged cell one cell), the form
of the plans' text versions. Lines are numbered 1, 2, ... through the whole
document, so "plan.pdf:12" is the 12th line a reader counts.

A PDF without a text layer (a scan) is refused with what to do; so is an
encrypted or broken one. Only bytes come in: no file system here.
"""
from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any

from dondoc.importer.errors import PlanImportError

MAX_PAGES = 400
_SAME_LINE = 3.0                    # points: words whose tops differ less are on one printed line
_COLUMN_GAP = 36.0                  # points: a wider gap inside a printed line separates two columns
_MARKER = re.compile(r"^(?:[-+•*–]\s|\(?\d+(?:\.\d+)*[.)]\s|[a-zđ]\)\s|[IVXLC]+\.\s|\|)", re.IGNORECASE)
_DASHES = "-–"
SCANNED = ("tệp PDF không có lớp văn bản (bản chụp/scan): hãy dùng bản .docx, hoặc xuất lại PDF có chữ từ Word, "
           "hoặc nhận dạng chữ (OCR) trước khi nhập / a scanned PDF without a text layer: use the .docx, export a PDF "
           "with text, or run OCR first")


@dataclass(frozen=True)
class _Row:
    top: float
    x0: float
    x1: float
    text: str
    joinable: bool = True           # a table row or a column of a two-column block is never a wrapped line
    tight: bool = False             # set at the line spacing below the row before (no paragraph spacing)
    first: float = 0.0              # width of its first word: had it fitted on the line before, no wrap put it here
    space: float = 0.0              # its narrowest gap between words: the width of a space in its type


def pdf_lines(raw: bytes, name: str) -> list[str]:
    """The document's lines in reading order; raises PlanImportError on a scan, an encrypted or broken PDF."""
    pages = _open(raw, name)
    try:
        if len(pages.pages) > MAX_PAGES:
            raise PlanImportError(name, f"tệp PDF quá dài (> {MAX_PAGES} trang) / PDF too long")
        rows = [row for page in pages.pages for row in _tight(_page_rows(page))]
    except PlanImportError:
        raise
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds (PSEOF, KeyError, TypeError...): all mean "broken"
        raise PlanImportError(name, f"tệp PDF bị hỏng, không đọc được / broken PDF: {type(exc).__name__}") from None
    finally:
        pages.close()
    if not any(row.text for row in rows):
        raise PlanImportError(name, SCANNED)
    return _joined(rows)


def _open(raw: bytes, name: str) -> Any:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        return pdfplumber.open(io.BytesIO(raw))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise PlanImportError(name, "tệp PDF có mật khẩu: hãy gỡ mật khẩu hoặc dùng bản .docx "
                                    "/ a password-protected PDF: remove the password or use the .docx") from None
    except Exception as exc:  # noqa: BLE001 - whatever the parser raises, the file is not a readable PDF
        raise PlanImportError(name, f"không phải tệp PDF hợp lệ / not a valid PDF: {type(exc).__name__}") from None


def _page_rows(page: Any) -> list[_Row]:
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    words = [w for w in page.extract_words() if not any(_inside(w, box) for box in boxes)]
    rows = _text_rows(words) + [_table_row(t.bbox[1] + i * 0.001, cells) for t in tables for i, cells in enumerate(t.extract())]
    return sorted(rows, key=lambda r: r.top)


def _tight(rows: list[_Row]) -> list[_Row]:
    """Mark the rows set at the page's line spacing below the previous one (no paragraph spacing before them);
    the first row of a page may continue the last one of the page before."""
    gaps = [b.top - a.top for a, b in pairwise(rows) if a.joinable and b.joinable and b.top - a.top > 4]
    leading = min(gaps, default=0.0)
    out = [replace(rows[0], tight=True)] if rows else []
    for before, row in pairwise(rows):
        out.append(replace(row, tight=row.top - before.top <= leading + 1.0))
    return out


def _inside(word: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    x, y = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _table_row(top: float, cells: list[str | None]) -> _Row:
    # pdfplumber gives None for the places a merged cell covers: a merged cell is one cell, as the text form writes it
    text = "| " + " | ".join(_clean(" ".join(c.split())) for c in cells if c is not None) + " |"
    return _Row(top, 0.0, 0.0, text, joinable=False)


def _printed_lines(words: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    lines: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - word["top"]) < _SAME_LINE:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _segments(line: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    out = [[line[0]]]
    for word in line[1:]:
        if word["x0"] - out[-1][-1]["x1"] > _COLUMN_GAP:
            out.append([word])
        else:
            out[-1].append(word)
    return out


def _row(words: list[dict[str, Any]]) -> _Row:
    gaps = [b["x0"] - a["x1"] for a, b in pairwise(words)]
    space = min(gaps) if gaps else 0.25 * (words[-1]["bottom"] - words[-1]["top"])
    return _Row(words[0]["top"], words[0]["x0"], words[-1]["x1"], _clean(" ".join(w["text"] for w in words)),
                first=words[0]["x1"] - words[0]["x0"], space=space)


def _text_rows(words: list[dict[str, Any]]) -> list[_Row]:
    """Printed lines; a run of lines split in columns is read column by column (left first)."""
    out: list[_Row] = []
    block: list[list[list[dict[str, Any]]]] = []
    for line in _printed_lines(words):
        parts = _segments(line)
        if len(parts) > 1:
            block.append(parts)
            continue
        out += _columns(block)
        block = []
        out.append(_row(parts[0]))
    return out + _columns(block)


def _columns(block: list[list[list[dict[str, Any]]]]) -> list[_Row]:
    if not block:
        return []
    top = block[0][0][0]["top"]
    width = max(len(parts) for parts in block)
    rows = [_row(parts[k]) for k in range(width) for parts in block if k < len(parts)]
    return [replace(r, top=top + i * 0.001, joinable=False) for i, r in enumerate(rows)]


def _joined(rows: list[_Row]) -> list[str]:
    """Lines wrapped by the layout joined back into paragraphs: this line's first word would not have fitted at
    the end of the previous one, it starts at the left margin, with no paragraph spacing and no list marker."""
    text = [r for r in rows if r.joinable]
    left = min((r.x0 for r in text), default=0.0)
    right = max((r.x1 for r in text), default=0.0)
    out: list[str] = []
    previous: _Row | None = None
    for row in rows:
        wrapped = previous is not None and previous.joinable and previous.x1 + previous.space + row.first > right
        starts_left = row.x0 <= left + 2.0
        if wrapped and row.joinable and row.tight and starts_left and not _item(row.text, out[-1] if out else "") and out:
            out[-1] = f"{out[-1]} {row.text}"
        else:
            out.append(row.text)
        previous = row
    return out


def _item(text: str, before: str) -> bool:
    """A list item starts here; a dash after a line that stops mid-sentence ("sản xuất / - kinh doanh") is the
    sentence going on."""
    if not _MARKER.match(text):
        return False
    return not (text[:1] in _DASHES and before[-1:].isalnum())


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\x00", "")).strip()
