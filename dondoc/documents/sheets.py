"""Spreadsheet helpers shared by every .xlsx dondoc writes (openpyxl): a bold
frozen header, dates as DD/MM/YYYY, widths from the content, and text that
looks like a formula kept as text (no formula injection from a task title)."""
from __future__ import annotations

from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def plain(value: object) -> object:
    """A value safe in a CSV cell: text that would start a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def add_sheet(wb: Workbook, title: str, headers: list[str] | tuple[str, ...], rows: list[list]) -> None:
    ws = wb.create_sheet(title)
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for r in ws.iter_rows(min_row=2):
        for cell in r:
            if isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
            if cell.data_type == "f":  # text that looks like a formula stays text
                cell.data_type = "s"
    ws.freeze_panes = "A2"
    for i, header in enumerate(headers, start=1):
        longest = max([len(str(header))] + [len(str(row[i - 1])) for row in rows[:500]])
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(10, longest + 2))
