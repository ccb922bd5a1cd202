"""CSV and XLSX exports of the dashboard's view, with Vietnamese headers.

CSV is UTF-8 with a BOM so spreadsheet software reads the diacritics; text
that a spreadsheet would run as a formula stays text (a leading apostrophe in
CSV, a string cell in XLSX)."""
from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import Workbook
from sqlmodel import Session

from dondoc.documents.sheets import add_sheet, plain
from dondoc.engine.lifecycle import CATEGORY_VI, DONE_ON_TIME_EXTENDED_VI, STATUS_VI, Category
from dondoc.store import extended as ext
from dondoc.store.reports import OverdueItem, subtree
from dondoc.web.dashboard_data import AgencyRow, Filters
from dondoc.web.scope import Scope

ITEM_HEADERS = (("plan_number", "Số kế hoạch"), ("plan", "Mã kế hoạch"), ("task", "Số nhiệm vụ"),
                ("title", "Nội dung nhiệm vụ"), ("lead_name", "Cơ quan chủ trì"), ("period", "Kỳ"),
                ("due", "Hạn hoàn thành"), ("days_overdue", "Số ngày quá hạn"), ("status", "Trạng thái"),
                ("escalation_level", "Cấp đôn đốc"), ("written_due", "Hạn ghi trong kế hoạch (nếu khác)"))
RANK_HEADERS = ("Hạng", "Cơ quan", "Cấp", *CATEGORY_VI.values(), "Tỷ lệ đúng hạn (%)",
                "Nhiệm vụ quá hạn lâu nhất", "Số ngày quá hạn", f"Trong đó: {DONE_ON_TIME_EXTENDED_VI.lower()}")
EXTENDED_VI = "Nhiệm vụ đã được gia hạn"


def _item_values(item: OverdueItem) -> list:
    data = item.as_dict()
    data["due"] = date.fromisoformat(item.due)
    data["written_due"] = date.fromisoformat(item.written_due) if item.written_due else ""
    data["status"] = STATUS_VI.get(item.status, item.status)
    return [data[key] for key, _ in ITEM_HEADERS]


def items_csv(items: list[OverdueItem]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([label for _, label in ITEM_HEADERS])
    for item in items:
        writer.writerow([v.strftime("%d/%m/%Y") if isinstance(v, date) else plain(v) for v in _item_values(item)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _rank_values(i: int, row: AgencyRow, extended_by_owner: dict[str, int]) -> list:
    rate = None if row.on_time_rate is None else round(row.on_time_rate * 100, 1)
    oldest = row.oldest or {}
    task = f"{oldest['task']}: {oldest['title']}" if oldest else ""
    return [i, row.name, row.level, *(row.counts[c] for c in Category), rate, task,
            oldest.get("days"), extended_by_owner.get(row.agency_id, 0)]


def extended_view(session: Session, f: Filters, scope: Scope) -> ext.Extended:
    """Extensions in the dashboard's view (plan, agency and below, scope; as of its day)."""
    owners = subtree(session, f.agency) if f.agency else None
    return ext.extended_counts(session, as_of=f.as_of, plan_id=f.plan, plans=scope.plans, owners=owners)


def dashboard_xlsx(f: Filters, totals: dict[Category, int], rows: list[AgencyRow], items: list[OverdueItem],
                   extended: ext.Extended | None = None, extended_by_owner: dict[str, int] | None = None) -> bytes:
    """Three sheets: the four totals (and the extensions apart), the agency ranking, the overdue items."""
    wb = Workbook()
    wb.remove(wb.active)
    summary = [["Tính đến ngày", f.as_of], ["Kế hoạch", f.plan or "Tất cả"],
               ["Cơ quan (cả cấp dưới)", f.agency or "Tất cả"], ["Cấp cơ quan", f.level or "Tất cả"],
               ["Cấp đôn đốc", "Tất cả" if f.escalation is None else f.escalation]]
    summary += [[CATEGORY_VI[c], totals[c]] for c in Category]
    if extended is not None:
        summary += [[f"Trong đó: {DONE_ON_TIME_EXTENDED_VI.lower()}", extended.done_on_time_extended],
                    [EXTENDED_VI, extended.extended]]
    add_sheet(wb, "Tổng hợp", ("Chỉ tiêu", "Giá trị"), summary)
    add_sheet(wb, "Xếp hạng cơ quan", RANK_HEADERS, [_rank_values(i, r, extended_by_owner or {}) for i, r in enumerate(rows, start=1)])
    add_sheet(wb, "Nhiệm vụ quá hạn", [label for _, label in ITEM_HEADERS], [_item_values(i) for i in items])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
