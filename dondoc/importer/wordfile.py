"""A .docx plan -> numbered lines, paragraphs and tables in document order.

Numbering: each body paragraph is one line number, each table row one line
number (the lines a row expands to share it), so "plan.docx:12" is the 12th
paragraph-or-row of the body. Word's automatic numbering ("List Number",
multi-level lists) is rendered as the label a reader sees ("1.", "1.2.", "a)").

A task table (STT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian
hoàn thành, header names matched loosely) becomes the same lines the text form
of a commune plan uses: "1. <nội dung>", "Chủ trì: ...", "Phối hợp: ...",
"Thời gian thực hiện: ...". Other tables (the header and signature blocks)
become one line per cell paragraph.
"""
from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from dondoc.importer.errors import PlanImportError
from dondoc.importer.lines import MAX_PARAGRAPHS, Line, too_long
from dondoc.importer.vn import fold

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("lead", ("chu tri",)),
    ("support", ("phoi hop",)),
    ("timeframe", ("thoi gian", "thoi han", "han hoan thanh", "tien do")),
    ("content", ("noi dung", "nhiem vu", "cong viec", "hoat dong")),
    ("number", ("stt", "so tt", "so thu tu", "tt")),
)
MAX_XML_BYTES = 64 * 2**20         # word/document.xml unpacked (a zip bomb is refused before parsing)
_FIELD_LABEL = {"lead": "Chủ trì", "support": "Phối hợp", "timeframe": "Thời gian thực hiện"}


def _open(raw: bytes, name: str) -> Any:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = archive.namelist()
    except zipfile.BadZipFile:
        raise PlanImportError(name, "không phải tệp .docx hợp lệ (không đúng định dạng Word/ZIP) / not a valid .docx") from None
    if "word/document.xml" not in members:
        shown = ", ".join(members[:3]) or "trống"
        raise PlanImportError(name, f"tệp nén này không phải văn bản Word (.docx): không có word/document.xml "
                                    f"(chứa: {shown}) / a zip archive, not a Word document")
    if archive.getinfo("word/document.xml").file_size > MAX_XML_BYTES:
        raise PlanImportError(name, f"văn bản Word quá lớn khi giải nén (> {MAX_XML_BYTES // 2**20} MB): hãy tách kế "
                                    "hoạch / the Word document is too large once unpacked")
    import docx

    try:
        return docx.Document(io.BytesIO(raw))
    except Exception as exc:  # noqa: BLE001  python-docx raises KeyError, ValueError, lxml errors...: all mean "broken"
        raise PlanImportError(name, f"tệp .docx bị hỏng / broken .docx: {exc}") from None


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _letters(n: int) -> str:
    return "abcdefghijklmnopqrstuvwxyz"[(n - 1) % 26] * ((n - 1) // 26 + 1)


def _format(n: int, fmt: str) -> str:
    formats = {"decimal": str(n), "decimalZero": f"{n:02d}", "lowerLetter": _letters(n),
               "upperLetter": _letters(n).upper(), "lowerRoman": _roman(n).lower(), "upperRoman": _roman(n)}
    return formats.get(fmt, str(n))


class _Numbering:
    """Counters for Word's automatic numbering, in reading order."""

    def __init__(self, doc: Any) -> None:
        self.nums: dict[str, str] = {}
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            root = doc.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        for abstract in root.iter(f"{_W}abstractNum"):
            aid = abstract.get(f"{_W}abstractNumId")
            for lvl in abstract.iter(f"{_W}lvl"):
                self.levels[(aid, int(lvl.get(f"{_W}ilvl", "0")))] = (
                    _val(lvl, "numFmt", "decimal"), _val(lvl, "lvlText", ""), int(_val(lvl, "start", "1")))
        for num in root.iter(f"{_W}num"):
            self.nums[num.get(f"{_W}numId")] = _val(num, "abstractNumId", "")

    def label(self, paragraph: Any) -> str:
        num_id, ilvl = _num_pr(paragraph)
        abstract = self.nums.get(num_id or "")
        if abstract is None or (abstract, ilvl) not in self.levels:
            return ""
        counters = self.counters.setdefault(abstract, [0] * 9)
        counters[ilvl] = counters[ilvl] + 1 if counters[ilvl] else self.levels[(abstract, ilvl)][2]
        counters[ilvl + 1:] = [0] * (8 - ilvl)
        fmt, text, _ = self.levels[(abstract, ilvl)]
        if fmt == "bullet":
            return "- "
        def render(m: re.Match[str]) -> str:
            return _format(max(counters[int(m.group(1)) - 1], 1), self._fmt(abstract, int(m.group(1)) - 1))

        return re.sub(r"%([1-9])", render, text) + " "

    def _fmt(self, abstract: str, ilvl: int) -> str:
        return self.levels.get((abstract, ilvl), ("decimal", "", 1))[0]


def _val(el: Any, tag: str, default: str) -> str:
    child = el.find(f"{_W}{tag}")
    return child.get(f"{_W}val", default) if child is not None else default


def _num_pr(paragraph: Any) -> tuple[str | None, int]:
    """(numId, level) from the paragraph, else from its style chain."""
    candidates = [paragraph._p.pPr]
    style = paragraph.style
    while style is not None:
        candidates.append(style.element.pPr)
        style = style.base_style
    for ppr in candidates:
        numpr = ppr.numPr if ppr is not None else None
        if numpr is not None and numpr.numId is not None:
            ilvl = paragraph._p.pPr.numPr.ilvl if paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None else None
            return str(numpr.numId.val), int(ilvl.val) if ilvl is not None else 0
    return None, 0


def _row_cells(row: Any) -> list[str]:
    """Cell texts by grid column; a merged cell's repeats are blank."""
    out, seen = [], set()
    for cell in row.cells:
        out.append("" if id(cell._tc) in seen else "\n".join(p.text for p in cell.paragraphs).strip())
        seen.add(id(cell._tc))
    return out


def _role(header: str) -> str | None:
    text = fold(header).strip(" .:")
    for role, words in _ROLES:
        if any(text == w or text.startswith(w + " ") or f" {w}" in f" {text}" for w in words):
            return role
    return None


def _header(rows: list[list[str]]) -> tuple[int, dict[str, int]] | None:
    for at, row in enumerate(rows[:3]):
        columns: dict[str, int] = {}
        for i, cell in enumerate(row):
            role = _role(cell) if len(cell) < 60 else None
            if role and role not in columns:
                columns[role] = i
        if "content" in columns and ({"lead", "timeframe"} & columns.keys()):
            return at, columns
    return None


def _label(stt: str) -> str:
    stt = stt.strip().rstrip(".)")
    if re.fullmatch(r"[IVX]+", stt):
        return f"{stt}."
    if re.fullmatch(r"\d{1,2}(\.\d{1,2})*", stt):
        return f"{stt}."
    if re.fullmatch(r"[a-zđ]", stt):
        return f"{stt})"
    return "-" if stt in ("", "-", "+", "•", "*") else f"{stt}."


def _task_row(row: list[str], columns: dict[str, int]) -> list[str]:
    def cell(role: str) -> str:
        return row[columns[role]].strip() if role in columns and columns[role] < len(row) else ""

    content = [t.strip() for t in cell("content").split("\n") if t.strip()]
    if not content:
        return []
    lines = [f"{_label(cell('number'))} {content[0]}", *content[1:]]
    for role in ("lead", "support", "timeframe"):
        value = "; ".join(t.strip() for t in cell(role).split("\n") if t.strip())
        if value:
            lines.append(f"{_FIELD_LABEL[role]}: {value}")
    return lines


def _table_lines(table: Any, first_no: int) -> list[Line]:
    rows = [_row_cells(r) for r in table.rows]
    found = _header(rows)
    out: list[Line] = []
    for i, row in enumerate(rows):
        no = first_no + i
        if found is None:
            out.extend(Line(no, t) for cell in row for t in cell.split("\n"))
        elif i > found[0] and row != rows[found[0]]:
            out.extend(Line(no, t) for t in _task_row(row, found[1]))
    return out


def docx_lines(raw: bytes, name: str) -> tuple[Line, ...]:
    """Body paragraphs and table rows of a .docx, in order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = _open(raw, name)
    numbering, out, no = _Numbering(doc), [], 0
    count = sum(1 for _ in doc.element.body.iter(f"{_W}p"))
    if count > MAX_PARAGRAPHS:
        raise too_long(name, count, MAX_PARAGRAPHS, "đoạn / paragraphs")
    body = list(doc.element.body.iterchildren())
    for element in body:
        if element.tag == f"{_W}p":
            no += 1
            paragraph = Paragraph(element, doc)
            text = paragraph.text
            label = numbering.label(paragraph) if text.strip() else ""
            out.extend(Line(no, part) for part in (label + text).split("\n"))
        elif element.tag == f"{_W}tbl":
            table = Table(element, doc)
            out.extend(_table_lines(table, no + 1))
            no += len(table.rows)
    return tuple(out)
