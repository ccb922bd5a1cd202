"""Task tables: "| STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian | Sản phẩm |" rows -> tasks (pure).

The same rows come from a .txt file (one "| cell | cell |" line per row), from a crawled page (markdown.py
rebuilds them) and from a .docx table (wordfile.py writes them), so one reader serves the three.

- A table is a task table when one of its first three rows names a content column (Nội dung, Nhiệm vụ, Công
  việc, Hoạt động) and a lead or time column (Chủ trì, Đơn vị / Cơ quan thực hiện, Thời gian, Thời hạn, Tiến độ),
  matched without diacritics; headers split over two rows ("Cơ quan" over "chủ trì | phối hợp") are merged.
  A table of the same width right after one continues it (appendices split by page breaks). Any other table
  (letterhead, signature, figures) is given back as one paragraph per cell.
- Rows: a row that repeats the header is skipped; a row with a text but no lead and no time ("I | Hoàn thiện
  thể chế ...", "A | ...") is a section heading; every other row with a text is a task, numbered
  "PL.<section>.<STT>". A row without its own STT (a merged cell above it) is a further task of the row above
  ("PL.II.1-2") and takes the above row's cells it does not have (merged cells), flagged.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from dondoc.importer.model import Context, Note, Task, make_title
from dondoc.importer.names import NameRef, resolve
from dondoc.importer.structure import Para
from dondoc.importer.vn import fold

_ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("timeframe", ("thoi gian", "thoi han", "han hoan thanh", "tien do", "thoi diem")),
    ("support", ("phoi hop",)),
    ("lead", ("chu tri", "don vi thuc hien", "co quan thuc hien", "don vi thuc hien chinh", "co quan, don vi thuc hien",
              "don vi chu tri", "trach nhiem thuc hien")),
    ("content", ("noi dung", "nhiem vu", "cong viec", "hoat dong", "ten nhiem vu", "giai phap")),
    ("product", ("san pham", "ket qua")),
    ("number", ("stt", "so tt", "so thu tu", "tt")),
)
_STT = re.compile(r"^(?:[IVX]{1,5}|[A-Z]|\d{1,2}(?:\.\d{1,2}){0,3}|[a-zđ])[.)]?$")
_ROMAN_OR_LETTER = re.compile(r"^(?:[IVX]{1,5}|[A-Z])[.)]?$")


@dataclass(frozen=True)
class Row:
    line: int
    cells: tuple[str, ...]


@dataclass
class TaskTable:
    line: int
    columns: dict[str, int]
    header: tuple[str, ...]
    rows: list[Row] = field(default_factory=list)


def cells_of(text: str) -> tuple[str, ...] | None:
    """'| a | b |' -> ('a', 'b'); None for a line that is not a table row."""
    stripped = text.strip()
    if not (stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1):
        return None
    return tuple(c.strip() for c in stripped[1:-1].split("|"))


def role(header: str) -> str | None:
    text = re.sub(r"\s+", " ", fold(header).replace("*", " ")).strip(" .:()")
    for name, words in _ROLES:
        if len(text) < 70 and any(text == w or text.startswith(w + " ") or f" {w}" in f" {text}" for w in words):
            return name
    return None


def header_columns(rows: list[tuple[str, ...]]) -> tuple[int, dict[str, int]] | None:
    """(index of the last header row, role -> column) when one of the first three rows makes a task header."""
    columns: dict[str, int] = {}
    for at, row in enumerate(rows[:3]):
        for i, cell in enumerate(row):
            found = role(cell)
            if found and found not in columns:
                columns[found] = i
        if "content" in columns and {"lead", "timeframe"} & columns.keys():
            return at, columns
    return None


def split_tables(paras: list[Para]) -> tuple[list[Para], list[TaskTable]]:
    """Task tables taken out of the paragraphs; other tables turned into one paragraph per cell."""
    out: list[Para] = []
    tables: list[TaskTable] = []
    group: list[tuple[int, tuple[str, ...]]] = []

    def flush() -> None:
        if group:
            _place(group, out, tables)
            group.clear()

    for para in paras:
        cells = cells_of(para.text)
        if cells is None:
            flush()
            out.append(para)
        else:
            group.append((para.line, cells))
    flush()
    return out, tables


def _place(group: list[tuple[int, tuple[str, ...]]], out: list[Para], tables: list[TaskTable]) -> None:
    rows = [cells for _, cells in group]
    found = header_columns(rows)
    previous = tables[-1] if tables else None
    if found is not None:
        at, columns = found
        table = TaskTable(group[0][0], columns, rows[at])
        table.rows.extend(Row(no, cells) for no, cells in group[at + 1:])
        tables.append(table)
    elif previous is not None and max(len(r) for r in rows) == len(previous.header) and _ends_appendix(out, previous):
        previous.rows.extend(Row(no, cells) for no, cells in group)
    else:
        out.extend(Para(no, cell) for no, cells in group for cell in cells if cell)


def _ends_appendix(out: list[Para], table: TaskTable) -> bool:
    """Nothing but short captions between the last task table and this one."""
    between = [p for p in out if p.line > table.line]
    return len(between) <= 3


# ---- rows -> tasks ----

def _cell(row: Row, columns: dict[str, int], name: str) -> str:
    at = columns.get(name)
    return row.cells[at].strip() if at is not None and at < len(row.cells) else ""


def _is_header(row: Row, table: TaskTable) -> bool:
    return sum(1 for c in row.cells if role(c)) >= 2


def _refs(text: str, ctx: Context, *, lead: bool = False) -> list[NameRef]:
    """The bodies a cell names; a lead cell's first name is the lead even when it reads like a common noun."""
    refs = resolve(text, ctx.registry, home=ctx.home) if text else []
    if lead and refs and refs[0].kind == "generic":
        refs[0] = NameRef(refs[0].text, "new", None, "group")
    return [r for r in refs if r.kind != "generic"]


@dataclass
class _State:
    part: str = ""
    section: str = ""
    last: dict[str, str] = field(default_factory=dict)
    last_number: str = ""
    extra: int = 1


def _heading(stt: str, state: _State) -> None:
    """'A' opens a part, 'I' a section of it; an unnumbered heading row changes nothing."""
    if re.fullmatch(r"[IVX]{1,5}", stt):
        state.section = f"{state.part}.{stt}" if state.part else stt
    elif re.fullmatch(r"[A-Z]", stt):
        state.part = state.section = stt


def _shifted(row: Row, table: TaskTable) -> Row:
    """A row without its STT cell (merged above): its cells start at the content column."""
    start = table.columns.get("content", 0)
    return Row(row.line, ("",) * start + row.cells)


def _task(row: Row, table: TaskTable, state: _State, ctx: Context) -> Task | None:
    cols = table.columns
    stt = _cell(row, cols, "number").rstrip(".)")
    own_number = bool(_STT.match(stt)) if "number" in cols else True
    if not own_number and "number" in cols:
        row = _shifted(row, table)
    values = {name: _cell(row, cols, name) for name in ("content", "lead", "support", "timeframe")}
    if len(re.findall(r"\w\w", values["content"])) < 2:         # empty, or a "…......" placeholder row
        return None
    if not values["lead"] and not values["timeframe"] and (not stt or _ROMAN_OR_LETTER.match(stt)):
        _heading(stt, state)
        return None
    notes: list[Note] = []
    if own_number:
        number, state.extra = ".".join(p for p in ("PL", state.section, stt) if p), 1
        state.last_number = number
    else:
        state.extra += 1
        number = f"{state.last_number}-{state.extra}" if state.last_number else f"PL.{state.section}"
        for name in ("lead", "support", "timeframe"):
            if not values[name] and state.last.get(name) and len(row.cells) < len(table.header):
                values[name] = state.last[name]
                notes.append(Note(name, row.line, "Ô gộp trong bảng: lấy theo dòng trên — kiểm tra lại"))
    state.last = dict(values)
    return _make(number, row.line, values, notes, ctx)


def _make(number: str, line: int, values: dict[str, str], notes: list[Note], ctx: Context) -> Task:
    leads, support = _refs(values["lead"], ctx, lead=True), _refs(values["support"], ctx)
    lead = leads[0] if leads else None
    if lead is None:
        notes.append(Note("lead", line, "Dòng trong bảng không ghi cơ quan chủ trì"))
    elif len(leads) > 1:
        notes.append(Note("lead", line, f"Bảng ghi nhiều cơ quan chủ trì ({values['lead']}); chọn “{lead.text}”, "
                                        "các cơ quan còn lại đưa vào phối hợp"))
    text = values["content"]
    return Task(number=number, title=make_title(text), text=text, line=line, lead=lead, lead_line=line,
                co_leads=tuple(leads[1:]), support=tuple(support), support_line=line,
                timeframe=values["timeframe"].rstrip(" .;") or None, timeframe_line=line, notes=tuple(notes),
                from_table=True)


def table_tasks(tables: list[TaskTable], ctx: Context) -> list[Task]:
    out: list[Task] = []
    for table in tables:
        state = _State()
        for row in table.rows:
            if _is_header(row, table):
                continue
            if (task := _task(row, table, state, ctx)) is not None:
                out.append(task)
    return out
