"""The pure parts: chart geometry and the export files."""
from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import load_workbook

from dondoc.engine.lifecycle import Category
from dondoc.store.reports import OverdueItem
from dondoc.web.charts import bar_chart, line_chart
from dondoc.web.dashboard_data import AgencyRow, Filters
from dondoc.web.export import dashboard_xlsx, items_csv

ITEM = OverdueItem(plan="p", plan_number="1/KH", task="1.1", title="=HYPERLINK(\"http://evil\")", lead="a",
                   lead_name="@Cơ quan", due="2023-03-31", days_overdue=5, status="in_progress", escalation_level=1,
                   period="2023-03-31", occurrence_id=7)


def test_the_longest_bar_belongs_to_the_largest_value():
    chart = bar_chart([("Sở Y tế", 4), ("Sở Giáo dục và Đào tạo", 8), ("Công an tỉnh", 0)])
    widths = [b.width for b in chart.bars]
    assert widths[1] == max(widths) and widths[2] == 0 and widths[0] == widths[1] / 2
    assert [b.y for b in chart.bars] == sorted(b.y for b in chart.bars)


def test_a_long_agency_name_is_shortened_on_the_chart_but_kept_in_its_tooltip():
    name = "Sở Lao động - Thương binh và Xã hội tỉnh Nghệ An"
    bar = bar_chart([(name, 3)]).bars[0]
    assert bar.label.endswith("…") and len(bar.label) < len(name) and bar.full_label == name


def test_the_trend_goes_left_to_right_and_zero_sits_on_the_axis():
    series = [(date(2023, 5, d), v) for d, v in ((4, 0), (11, 5), (18, 10))]
    chart = line_chart(series)
    xs = [p.x for p in chart.points]
    assert xs == sorted(xs) and chart.points[0].y == chart.bottom and chart.points[2].y == chart.top


def test_an_empty_chart_still_has_a_size():
    assert bar_chart([]).height > 0 and line_chart([]).points == ()


def test_csv_text_that_looks_like_a_formula_is_kept_as_text():
    rows = list(csv.reader(io.StringIO(items_csv([ITEM]).decode("utf-8-sig"))))
    assert rows[1][3] == "'=HYPERLINK(\"http://evil\")" and rows[1][4] == "'@Cơ quan" and rows[1][6] == "31/03/2023"


def test_xlsx_text_that_looks_like_a_formula_is_a_string_cell():
    row = AgencyRow("a", "=1+1", "commune", {c: 1 for c in Category})
    body = dashboard_xlsx(Filters(as_of=date(2023, 4, 1)), {c: 1 for c in Category}, [row], [ITEM])
    book = load_workbook(io.BytesIO(body))
    cell = book["Nhiệm vụ quá hạn"]["D2"]
    assert cell.value == "=HYPERLINK(\"http://evil\")" and cell.data_type == "s"
    assert book["Xếp hạng cơ quan"]["B2"].data_type == "s"
    assert book["Nhiệm vụ quá hạn"]["G2"].is_date
