"""The compiled report (báo cáo) as a .docx draft in the administrative layout
of Decree 30/2020/NĐ-CP: issuing body and national motto side by side, the
number left blank for the clerk, place and date, "BÁO CÁO" with its subject
citing the plan, the body, "Nơi nhận" and the signature block.

The body is compiled from what dondoc tracks; the "Kiến nghị, đề xuất"
section is left for the coordinator to write."""
from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx.table import Table

from dondoc.engine.lifecycle import CATEGORY_VI, Category
from dondoc.store.compiled import Compiled

FONT = "Times New Roman"
BLANK = "……"
ORDER = (Category.DONE_ON_TIME, Category.DONE_LATE, Category.AWAITING_CONFIRMATION, Category.IN_PROGRESS_ON_TIME,
         Category.IN_PROGRESS_OVERDUE)


def _vi_date(d: date) -> str:
    return f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


def _setup(doc: DocxDocument) -> None:
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(13)
    style.paragraph_format.space_after = Pt(4)
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(1.5)


def _cell_line(cell, text: str, *, bold: bool = False, italic: bool = False, size: int = 13,  # noqa: ANN001
               underline: bool = False, first: bool = False) -> None:
    p = cell.paragraphs[0] if first else cell.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(0)
    run = p.add_run(text)
    run.bold, run.italic, run.underline, run.font.size = bold, italic, underline, Pt(size)


def _letterhead(doc: DocxDocument, c: Compiled, parent: str | None) -> None:
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, (6.0, 10.5))
    left, right = table.rows[0].cells
    if parent:
        _cell_line(left, parent.upper(), size=12, first=True)
    _cell_line(left, c.focal.upper(), bold=True, size=12, first=not parent, underline=True)
    _cell_line(left, f"Số: {BLANK}/BC-{BLANK}", size=13)
    _cell_line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12, first=True)
    _cell_line(right, "Độc lập - Tự do - Hạnh phúc", bold=True, underline=True)
    _cell_line(right, f"{BLANK}, {_vi_date(c.as_of)}", italic=True)


def _title(doc: DocxDocument, c: Compiled) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = Pt(12)
    p.add_run("BÁO CÁO").bold = True
    subject = (f"Kết quả thực hiện Kế hoạch số {c.plan_number} ngày {c.issued_on:%d/%m/%Y} của {c.issuer} "
               f"{c.plan_title[0].lower() + c.plan_title[1:] if c.plan_title else ''}").strip()
    s = doc.add_paragraph()
    s.alignment = WD_ALIGN_PARAGRAPH.CENTER
    s.add_run(subject).bold = True
    if c.period:
        k = doc.add_paragraph()
        k.alignment = WD_ALIGN_PARAGRAPH.CENTER
        k.add_run(f"(Kỳ báo cáo: {c.period}; số liệu tính đến {c.as_of:%d/%m/%Y})").italic = True


def _heading(doc: DocxDocument, text: str) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(8)
    p.add_run(text).bold = True


def _para(doc: DocxDocument, text: str, *, italic: bool = False) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.first_line_indent = Cm(1.0)
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    p.add_run(text).italic = italic


def _widths(table: Table, widths_cm: Iterable[float]) -> None:
    """Column widths that Word and LibreOffice both keep (set on every cell)."""
    table.autofit = False
    for i, w in enumerate(widths_cm):
        table.columns[i].width = Cm(w)
        for cell in table.columns[i].cells:
            cell.width = Cm(w)


def _table(doc: DocxDocument, headers: Iterable[str], rows: Iterable[Iterable[object]],
           widths_cm: Iterable[float] = ()) -> Table:
    headers = list(headers)
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, h in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(h)
        run.bold, run.font.size = True, Pt(10)
    for values in rows:
        cells = table.add_row().cells
        for cell, v in zip(cells, values, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run("" if v is None else str(v)).font.size = Pt(10.5)
    if widths_cm:
        _widths(table, widths_cm)
    return table


def _results(doc: DocxDocument, c: Compiled) -> None:
    _heading(doc, "I. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ")
    excluded = sum(a.excluded for a in c.agencies)
    _para(doc, f"Tính đến ngày {c.as_of:%d/%m/%Y}, kế hoạch có {len(c.rows)} mục được theo dõi (nhiệm vụ và kỳ báo "
               f"cáo của từng cơ quan, đơn vị), trong đó {excluded} mục đã hủy hoặc được miễn thực hiện.")
    if not c.results:
        _para(doc, "Chưa có cơ quan nào gửi báo cáo kết quả thực hiện.", italic=True)
    for n, (owner, done) in enumerate(c.results.items(), start=1):
        _heading(doc, f"{n}. {owner}")
        for r in done:
            due = f"; hạn {r.due:%d/%m/%Y}" if r.due else ""
            _para(doc, f"- Nhiệm vụ {r.task} ({r.title}{due}): {r.result}")


def _standings(doc: DocxDocument, c: Compiled) -> None:
    _heading(doc, "II. TÌNH HÌNH THỰC HIỆN THEO CƠ QUAN, ĐƠN VỊ")
    rows = [[i, a.name, a.total, *(a.counts[k] for k in ORDER), a.on_time_after_extension, a.extended, a.excluded]
            for i, a in enumerate(c.agencies, 1)]
    totals = c.totals
    rows.append(["", "Tổng cộng", sum(totals.values()), *(totals[k] for k in ORDER),
                 sum(a.on_time_after_extension for a in c.agencies), sum(a.extended for a in c.agencies),
                 sum(a.excluded for a in c.agencies)])
    _table(doc, ["TT", "Cơ quan, đơn vị", "Tổng", *(CATEGORY_VI[k] for k in ORDER), "Trong đó: đúng hạn sau gia hạn",
                 "Được gia hạn", "Hủy / miễn"], rows, (1.0, 3.4, 1.1, 1.4, 1.4, 1.3, 1.4, 1.4, 1.6, 1.3, 1.2))


def _percent(ratio: float | None) -> str:
    return "" if ratio is None else f"{ratio * 100:.0f}%"


def _number(value: float | None) -> str:
    return "" if value is None else (f"{value:g}" if value != int(value) else f"{int(value)}")


def _indicators(doc: DocxDocument, c: Compiled) -> None:
    _heading(doc, "III. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU")
    if not c.indicators:
        _para(doc, "Kế hoạch không giao chỉ tiêu theo dõi.", italic=True)
        return
    _table(doc, ["Chỉ tiêu", "Nội dung", "Cơ quan", "Chỉ tiêu giao", "Kết quả (kỳ)", "Đạt"],
           [[i.number, i.name, i.agency, f"{_number(i.target)} {i.unit}".strip(),
             f"{_number(i.value)} ({i.period})" if i.value is not None else "chưa báo cáo", _percent(i.ratio)]
            for i in c.indicators], (1.4, 5.0, 3.4, 2.2, 2.4, 1.4))


def _late(doc: DocxDocument, c: Compiled) -> None:
    _heading(doc, "IV. NHIỆM VỤ CHẬM TIẾN ĐỘ, CƠ QUAN CẦN THỰC HIỆN")
    if not c.late:
        _para(doc, "Không có nhiệm vụ quá hạn.", italic=True)
        return
    _table(doc, ["STT", "Nhiệm vụ", "Cơ quan chủ trì (cần thực hiện)", "Hạn", "Số ngày quá hạn", "Cấp đôn đốc"],
           [[i, f"{it.task}. {it.title}", it.lead_name, date.fromisoformat(it.due).strftime("%d/%m/%Y"),
             it.days_overdue, it.escalation_level] for i, it in enumerate(c.late, 1)], (1.0, 6.0, 3.6, 2.2, 1.6, 1.6))


def _closing(doc: DocxDocument, c: Compiled) -> None:
    _heading(doc, "V. KIẾN NGHỊ, ĐỀ XUẤT")
    _para(doc, "(Cơ quan đầu mối ghi kiến nghị, đề xuất.)", italic=True)
    _para(doc, f"Trên đây là báo cáo kết quả thực hiện Kế hoạch số {c.plan_number} của {c.focal}.")
    table = doc.add_table(rows=1, cols=2)
    _widths(table, (8.0, 8.5))
    left, right = table.rows[0].cells
    p = left.paragraphs[0]
    r = p.add_run("Nơi nhận:")
    r.bold, r.italic, r.font.size = True, True, Pt(12)
    for line in (f"- {c.issuer};", "- Lưu: VT."):
        left.add_paragraph().add_run(line).font.size = Pt(11)
    _cell_line(right, "QUYỀN HẠN, CHỨC VỤ CỦA NGƯỜI KÝ", bold=True, size=12, first=True)
    _cell_line(right, "(Chữ ký, dấu)", italic=True)
    _cell_line(right, "Họ và tên", bold=True)


def compiled_docx(c: Compiled, *, parent: str | None = None) -> bytes:
    """The .docx bytes of the compiled report; `parent` is the focal agency's superior body, if any."""
    doc = Document()
    _setup(doc)
    _letterhead(doc, c, parent)
    _title(doc, c)
    _results(doc, c)
    _standings(doc, c)
    _indicators(doc, c)
    _late(doc, c)
    _closing(doc, c)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
