"""A plan saved as a web page in markdown (hard-wrapped, tables flattened) -> the lines of its clean text (pure).

What a crawled page looks like, and what it becomes:
- paragraphs wrapped about every 80 characters, separated by blank lines (or not at all on some portals):
  lines are joined, and a new paragraph starts at a blank line, or at a numbered item or bullet ("1.", "a)",
  "-", "+", "I.") that follows a line ending a sentence or a bold run;
- tables flattened into "|" lines: each cell is opened by a line "|", a row boundary looks like an empty
  cell ("|" twice). Rows are rebuilt from the first row's column count and the row numbers (a cell that reads
  like "1", "1.2", "II", "a" right after an empty one starts a row), and written as the clean text writes them:
  "| cell | cell |"; the table reader (tables.py) decides whether it is a task table;
- emphasis (`*`, `**`) is dropped later by `vn.clean`; each joined line keeps the number of its first line.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from dondoc.importer.lines import Line
from dondoc.importer.tables import role

_STARTS_ITEM = re.compile(r"^\**\s*(?:[IVX]{1,5}\s*[.)]|\d{1,2}(?:\.\d{1,2})*[.)]|[a-zđ]\)|[-+•–]\s)\s*")
_ENDS = (".", ";", ":", "!", "?", "**", "*", "…")
_ROW_NUMBER = re.compile(r"^\**\s*(?:[IVX]{1,5}|[A-Z]|\d{1,2}(?:\.\d{1,2}){0,3}|[a-zđ])\s*[.)]?\s*\**$")


def _join(lines: list[Line]) -> Iterator[Line]:
    """Wrapped lines -> paragraphs (a new one at a numbered item after a sentence end)."""
    text, first, previous = "", 0, ""
    for line in lines:
        raw = line.text.strip()
        bold_edge = raw.startswith("**") or previous.endswith("**")       # a bold heading is its own paragraph
        previous = raw
        if text and (bold_edge or (_STARTS_ITEM.match(raw) and text.rstrip().endswith(_ENDS))):
            yield Line(first, text)
            text = ""
        if not text:
            text, first = raw, line.no
        else:
            text = f"{text} {raw}"
    if text:
        yield Line(first, text)


def _cell_text(lines: list[Line]) -> str:
    return " ".join(p.text for p in _join(lines)).strip()


def _rows(cells: list[tuple[int, str]]) -> list[tuple[int, list[str]]]:
    """Cells in reading order (an empty string is an empty cell or a row boundary) -> rows."""
    width = next((i for i, (_, c) in enumerate(cells) if not c), len(cells)) or 1
    rows: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = cells[0][0] if cells else 0
    for i, (no, cell) in enumerate(cells):
        following = cells[i + 1][1] if i + 1 < len(cells) else ""
        boundary = not cell and current and (len(current) >= width or _ROW_NUMBER.match(following))
        if boundary:
            rows.append((start, current))
            current, start = [], cells[i + 1][0] if i + 1 < len(cells) else no
            continue
        if not current:
            start = no
        current.append(cell)
    if any(current):
        rows.append((start, current))
    return rows


_LONGEST_CELL = 30            # lines: a "cell" longer than this is the page's text after an unclosed table


def _cells(block: list[Line]) -> tuple[list[list[Line]], list[Line]]:
    """The cells of a flattened table (each its lines), and the lines after it when it was never closed."""
    cells: list[list[Line]] = []
    opened = False
    for line in block:
        if line.text.strip() == "|":
            if opened and cells and len(cells[-1]) > _LONGEST_CELL:
                return cells[:-1], block[_index(block, cells[-1][0]):]
            cells.append([])
            opened = True
        elif opened and line.text.strip():
            cells[-1].append(line)
    if cells and len(cells[-1]) > _LONGEST_CELL:
        return cells[:-1], block[_index(block, cells[-1][0]):]
    return cells, []


def _index(block: list[Line], line: Line) -> int:
    return next(i for i, x in enumerate(block) if x is line)


def _by_header(cells: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """A task table's header met inside another flattened table (an appendix right after the signature
    block, with no blank line between) starts a table of its own: its column count is not the block's."""
    for i in range(1, len(cells) - 2):
        roles = [role(c) for _, c in cells[i:i + 3]]
        if roles[0] in ("number", "content") and all(roles) and "content" in roles[:2] and not role(cells[i - 1][1]):
            return [cells[:i], *_by_header(cells[i:])]
    return [cells]


def _table(block: list[Line]) -> list[Line]:
    cells, rest = _cells(block)
    found, no = [], block[0].no if block else 0
    for cell in cells:
        no = cell[0].no if cell else no
        found.append((no, _cell_text(cell)))
    while found and not found[-1][1]:
        found.pop()
    rows: list[Line] = []
    for part in _by_header(found):
        rows += [Line(no, "| " + " | ".join(c.replace("|", "/") for c in row) + " |") for no, row in _rows(part)]
    return rows + ([Line(rows[-1].no if rows else 0, "")] + list(unwrap(tuple(rest))) if rest else [])


def unwrap(lines: tuple[Line, ...]) -> tuple[Line, ...]:
    """The crawled page's lines -> one line per paragraph or table row (blank lines between)."""
    out: list[Line] = []
    block: list[Line] = []
    in_table = False

    def flush() -> None:
        out.extend(_table(block) if in_table else _join(block))
        out.append(Line(block[-1].no, "")) if block else None
        block.clear()

    last = ""
    for line in lines:
        raw = line.text.strip()
        if raw == "|" and not in_table:
            flush()
            in_table = True
        elif not raw and (not in_table or last == "|"):
            flush()
            in_table = False
        if raw or in_table:
            block.append(line)
        last = raw or last
    flush()
    return tuple(out)
