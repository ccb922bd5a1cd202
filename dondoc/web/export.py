"""CSV and XLSX exports of the dashboard's view, with Vietnamese headers.

CSV is UTF-8 with a BOM so spreadsheet software reads the diacritics; text
that a spreadsheet would run as a formula stays text (a leading apostrophe in
CSV, a string cell in XLSX)."""
from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import Workbook

from dondoc.documents.sheets import add_sheet, plain
from dondoc.engine.lifecycle import CATEGORY_VI, STATUS_VI, Category
from dondoc.store.reports import OverdueItem
from dondoc.web.dashboard_data import AgencyRow, Filters

ITEM_HEADERS = (("plan_number", "Số kế hoạch"), ("plan", "Mã kế hoạch"), ("task", "Số nhiệm vụ"),
                ("title", "Nội dung nhiệm vụ"), ("lead_name", "Cơ quan chủ trì"), ("period", "Kỳ"),
                ("due", "Hạn hoàn thành"), ("days_overdue", "Số ngày quá hạn"), ("status", "Trạng thái"),
                ("escalation_level", "Cấp đôn đốc"), ("written_due", "Hạn ghi trong kế hoạch (nếu khác)"))
RANK_HEADERS = ("Hạng", "Cơ quan", "Cấp", *CATEGORY_VI.values(), "Tỷ lệ đúng hạn (%)",
                "Nhiệm vụ quá hạn lâu nhất", "Số ngày quá hạn")


def _item_values(item: OverdueItem) -> list:
    data = item.as_dict()
    data["due"] = date.fromisoformat(item.due)
    data["written_due"] = date.fromisoformat(item.written_due) if item.written_due else ""
    data["status"] = STATUS_VI.get(item.status, item.status)  # type: ignore[call-overload]
    return [data[key] for key, _ in ITEM_HEADERS]


def items_csv(items: list[OverdueItem]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([label for _, label in ITEM_HEADERS])
    for item in items:
        writer.writerow([v.strftime("%d/%m/%Y") if isinstance(v, date) else plain(v) for v in _item_values(item)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _rank_values(i: int, row: AgencyRow) -> list:
    rate = None if row.on_time_rate is None else round(row.on_time_rate * 100, 1)
    oldest = row.oldest or {}
    task = f"{oldest['task']}: {oldest['title']}" if oldest else ""
    return [i, row.name, row.level, *(row.counts[c] for c in Category), rate, task,
            oldest.get("days")]


def dashboard_xlsx(f: Filters, totals: dict[Category, int], rows: list[AgencyRow], items: list[OverdueItem]) -> bytes:
    """Three sheets: the category totals, the agency ranking, the overdue items."""
    wb = Workbook()
    wb.remove(wb.active)
    summary = [["Tính đến ngày", f.as_of], ["Kế hoạch", f.plan or "Tất cả"],
               ["Cơ quan (cả cấp dưới)", f.agency or "Tất cả"], ["Cấp cơ quan", f.level or "Tất cả"],
               ["Cấp đôn đốc", "Tất cả" if f.escalation is None else f.escalation]]
    summary += [[CATEGORY_VI[c], totals[c]] for c in Category]
    add_sheet(wb, "Tổng hợp", ("Chỉ tiêu", "Giá trị"), summary)
    add_sheet(wb, "Xếp hạng cơ quan", RANK_HEADERS, [_rank_values(i, r) for i, r in enumerate(rows, start=1)])
    add_sheet(wb, "Nhiệm vụ quá hạn", [label for _, label in ITEM_HEADERS], [_item_values(i) for i in items])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
