"""The overdue dashboard on the example plans: the four totals, the agency
ranking, filters, charts, the weekly trend and the exports."""
from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime

from openpyxl import load_workbook

from dondoc.engine.calendar import CalendarDecisions, WorkCalendar
from dondoc.engine.lifecycle import Category
from dondoc.store.db import session_scope
from dondoc.store.reports import category_counts, overdue, subtree
from dondoc.store.sweep import sweep_once
from dondoc.web import dashboard_data as dd
from dondoc.web.scope import EVERYTHING
from tests.web.conftest import COMMUNE, NOW, PROVINCE, move, occurrence_of

TODAY = date(2023, 6, 1)
FINANCE = "cong-chuc-tai-chinh-thanh-linh"
CULTURE = "cong-chuc-van-hoa-thanh-linh"


def totals_on(html: str) -> dict[str, int]:
    found = re.findall(r'data-category="(\w+)">\s*<span class="n">(\d+)</span>', html)
    return {k: int(v) for k, v in found}


def engine_counts(engine, as_of: date, plan: str | None = None) -> dict[str, int]:
    with session_scope(engine, write=False) as s:
        if plan:
            return {str(k): v for k, v in category_counts(s, as_of=as_of, plan=plan).items()}
        both = [category_counts(s, as_of=as_of, plan=p) for p in (COMMUNE, PROVINCE)]
    return {str(c): sum(b[c] for b in both) for c in Category}


def finance_done_late(engine) -> None:
    """3.2.1 (due 31/03/2023) reported on 10/04 and confirmed on 12/04."""
    occ = occurrence_of(engine, COMMUNE, "3.2.1")
    move(engine, occ.id, "reported", at=datetime(2023, 4, 10, 2, tzinfo=UTC), by=FINANCE)
    move(engine, occ.id, "done", at=datetime(2023, 4, 12, 2, tzinfo=UTC), by="hoa")


def test_the_dashboard_shows_the_four_totals_of_both_example_plans_as_of_today(as_user, loaded):
    page = as_user("lan").get("/dashboard")
    assert page.status_code == 200
    assert "tính đến ngày 01/06/2023" in page.text
    assert totals_on(page.text) == engine_counts(loaded, TODAY)
    # 176 before the 29 six-month reports due 10/05/2023, before the commune plan's 15/05, were made not owed.
    assert totals_on(page.text)["in_progress_overdue"] == 147
    for label in ("Đang thực hiện trong hạn", "Đang thực hiện quá hạn", "Hoàn thành đúng hạn", "Hoàn thành quá hạn"):
        assert label in page.text


def test_on_1_april_2023_the_commune_plan_has_three_overdue_items(as_user):
    page = as_user("lan").get(f"/dashboard?as_of=2023-04-01&plan={COMMUNE}")
    assert totals_on(page.text)["in_progress_overdue"] == 3
    assert len(re.findall(r"<tr data-occurrence=", page.text)) == 3


def test_an_item_done_late_counts_as_done_late_and_stays_overdue_on_earlier_dates(as_user, loaded):
    finance_done_late(loaded)
    client = as_user("lan")
    assert totals_on(client.get(f"/dashboard?plan={COMMUNE}").text) == engine_counts(loaded, TODAY, COMMUNE)
    assert totals_on(client.get(f"/dashboard?plan={COMMUNE}").text)["done_late"] == 1
    assert totals_on(client.get(f"/dashboard?plan={COMMUNE}&as_of=2023-04-05").text)["in_progress_overdue"] == 3


def test_the_weekly_trend_counts_what_was_overdue_as_of_each_of_the_last_8_weeks(loaded):
    finance_done_late(loaded)
    f = dd.Filters(as_of=date(2023, 5, 4))
    with session_scope(loaded, write=False) as s:
        series = dd.trend(s, f, EVERYTHING)
        expected = [(d, len(overdue(s, as_of=d))) for d, _ in series]
    assert [d for d, _ in series] == [date(2023, 3, 16), date(2023, 3, 23), date(2023, 3, 30), date(2023, 4, 6),
                                      date(2023, 4, 13), date(2023, 4, 20), date(2023, 4, 27), date(2023, 5, 4)]
    assert series == expected
    with session_scope(loaded, write=False) as s:
        on_6_april = {i.task for i in overdue(s, as_of=date(2023, 4, 6), plan=COMMUNE)}
    assert "3.2.1" in on_6_april  # done on 10/04, overdue on 06/04


def test_agencies_are_ranked_from_the_lowest_on_time_rate_with_overdue_counts_and_oldest_item(as_user, loaded):
    finance_done_late(loaded)
    move(loaded, occurrence_of(loaded, COMMUNE, "1.1").id, "reported", "done", by=CULTURE)  # due 30/06: on time
    with session_scope(loaded, write=False) as s:
        rows = dd.agency_rows(s, dd.Filters(as_of=TODAY, plan=COMMUNE), EVERYTHING)
    rates = [r.on_time_rate for r in rows]
    known = [r for r in rates if r is not None]
    assert known == sorted(known) and rates[len(known):] == [None] * (len(rates) - len(known))
    culture = next(r for r in rows if r.agency_id == CULTURE)
    assert culture.counts[Category.DONE_ON_TIME] == 1 and culture.on_time_rate == 1 / (1 + culture.overdue)
    finance = next(r for r in rows if r.agency_id == FINANCE)
    assert finance.on_time_rate == 0 and finance.oldest is None  # its 10/05 report is not owed (plan of 15/05)
    page = as_user("lan").get(f"/dashboard?plan={COMMUNE}")
    row = re.search(rf'data-agency="{CULTURE}">(.*?)</tr>', page.text, re.S).group(1)
    assert f">{round(100 / (1 + culture.overdue))}%<" in row


def test_the_filters_narrow_the_view_by_plan_agency_subtree_level_and_escalation(as_user, loaded):
    sweep_once(loaded, now=NOW, calendar=WorkCalendar(CalendarDecisions()))
    client = as_user("lan")
    assert totals_on(client.get(f"/dashboard?plan={PROVINCE}").text) == engine_counts(loaded, TODAY, PROVINCE)
    with session_scope(loaded, write=False) as s:
        commune_tree = subtree(s, "ubnd-xa-thanh-linh")
    by_agency = client.get("/api/reports/summary?agency=ubnd-xa-thanh-linh").json()["agencies"]
    assert by_agency and {a["agency"] for a in by_agency} <= commune_tree
    by_level = client.get("/api/reports/summary?level=department").json()["agencies"]
    assert by_level and {a["level"] for a in by_level} == {"department"}
    everything = client.get("/api/reports/overdue").json()
    levels = {lvl: client.get(f"/api/reports/overdue?escalation={lvl}").json() for lvl in range(4)}
    assert all(i["escalation_level"] == lvl for lvl, items in levels.items() for i in items)
    assert sum(len(items) for items in levels.values()) == len(everything) and levels[1]


def test_the_charts_are_inline_svg_that_needs_no_javascript(as_user):
    page = as_user("lan").get("/dashboard").text
    assert page.count('<svg class="chart"') == 2 and "<script" not in page
    assert "Sở Lao động - Thương binh và Xã h" in page and "<polyline" in page


def test_a_malformed_date_gets_a_clear_400_page(as_user):
    page = as_user("lan").get("/dashboard?as_of=01-06-2023")
    assert page.status_code == 400 and "cần dạng YYYY-MM-DD" in page.text


def test_a_coordinator_sees_only_the_plans_they_coordinate(as_user, loaded):
    client = as_user("hoa")
    page = client.get("/dashboard")
    assert totals_on(page.text) == engine_counts(loaded, TODAY, COMMUNE)
    assert f'value="{PROVINCE}"' not in page.text
    assert client.get(f"/dashboard?plan={PROVINCE}").status_code == 404


def test_the_csv_export_has_vietnamese_headers_and_the_rows_of_the_view(as_user, loaded):
    response = as_user("lan").get(f"/dashboard.csv?plan={COMMUNE}&as_of=2023-04-01")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Số kế hoạch", "Mã kế hoạch", "Số nhiệm vụ", "Nội dung nhiệm vụ"]
    assert [r[2] for r in rows[1:]] == ["4.2", "3.2.1", "3.3.7-1"]
    assert rows[1][6] == "30/06/2022" and rows[1][7] == "275" and rows[1][8] == "Chưa thực hiện"


def test_the_xlsx_export_opens_cleanly_with_three_sheets(as_user):
    response = as_user("lan").get(f"/dashboard.xlsx?plan={COMMUNE}&as_of=2023-04-01")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Tổng hợp", "Xếp hạng cơ quan", "Nhiệm vụ quá hạn"]
    items = list(book["Nhiệm vụ quá hạn"].values)
    assert items[0][2] == "Số nhiệm vụ" and [r[2] for r in items[1:]] == ["4.2", "3.2.1", "3.3.7-1"]
    assert items[1][6] == datetime(2022, 6, 30)
    summary = dict(list(book["Tổng hợp"].values)[1:])
    assert summary["Đang thực hiện quá hạn"] == 3 and summary["Kế hoạch"] == COMMUNE
    assert list(book["Xếp hạng cơ quan"].values)[0][:2] == ("Hạng", "Cơ quan")
