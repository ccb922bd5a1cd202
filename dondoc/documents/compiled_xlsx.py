"""The annex (Phụ lục) of the compiled report as .xlsx: one row per task and
period with owner, deadline, status, days late, result and evidence count, and
a sheet of the four categories per agency (the numbers of the .docx)."""
from __future__ import annotations

import io

from openpyxl import Workbook

from dondoc.documents.compiled_docx import ORDER
from dondoc.documents.sheets import add_sheet, plain
from dondoc.engine.lifecycle import CATEGORY_VI
from dondoc.store.compiled import Compiled

ROW_HEADERS = ("STT", "Số nhiệm vụ", "Nội dung nhiệm vụ", "Loại", "Kỳ", "Cơ quan chủ trì", "Hạn hoàn thành",
               "Trạng thái", "Phân loại", "Số ngày quá hạn", "Kết quả thực hiện", "Số minh chứng")
KIND_VI = {"task": "Nhiệm vụ", "report": "Báo cáo"}
AGENCY_HEADERS = ("STT", "Cơ quan, đơn vị", "Tổng số", *(CATEGORY_VI[c] for c in ORDER),
                  "Trong đó: đúng hạn sau gia hạn", "Được gia hạn", "Hủy / miễn")
INDICATOR_HEADERS = ("Chỉ tiêu", "Nội dung", "Đơn vị tính", "Chỉ tiêu giao", "Cơ quan", "Kỳ", "Kết quả", "Tỷ lệ đạt (%)")


def _rows(c: Compiled) -> list[list]:
    return [[i, plain(r.task), plain(r.title), KIND_VI.get(r.kind, r.kind), r.period, plain(r.owner), r.due,
             r.status_label, r.category_label, r.days_late, plain(r.result), r.evidence]
            for i, r in enumerate(c.rows, start=1)]


def _agencies(c: Compiled) -> list[list]:
    rows = [[i, plain(a.name), a.total, *(a.counts[k] for k in ORDER), a.on_time_after_extension, a.extended,
             a.excluded] for i, a in enumerate(c.agencies, start=1)]
    totals = c.totals
    rows.append(["", "Tổng cộng", sum(totals.values()), *(totals[k] for k in ORDER),
                 sum(a.on_time_after_extension for a in c.agencies), sum(a.extended for a in c.agencies),
                 sum(a.excluded for a in c.agencies)])
    return rows


def compiled_xlsx(c: Compiled) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    head = [["Kế hoạch", f"{c.plan_number} — {c.plan_title}"], ["Cơ quan đầu mối", c.focal],
            ["Tính đến ngày", c.as_of], ["Kỳ", c.period or "Tất cả"]]
    add_sheet(wb, "Phụ lục", ROW_HEADERS, _rows(c))
    add_sheet(wb, "Theo cơ quan", AGENCY_HEADERS, _agencies(c))
    add_sheet(wb, "Chỉ tiêu", INDICATOR_HEADERS,
              [[i.number, plain(i.name), i.unit, i.target, plain(i.agency), i.period, i.value,
                None if i.ratio is None else round(i.ratio * 100, 1)] for i in c.indicators])
    add_sheet(wb, "Thông tin", ("Mục", "Giá trị"), head)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
