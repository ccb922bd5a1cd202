"""The dashboard, its CSV and XLSX exports, the API and the store count the same
categories, on both databases: one definition (lifecycle.CATEGORY_RULES) rendered
in Python and in SQL. Hoa (focal of the commune plan) has not yet confirmed an
item the culture official reported on time; another was done late, another on time."""
from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from dondoc.engine.lifecycle import CATEGORY_VI, Category, standing_of
from dondoc.store.db import session_scope
from dondoc.store.models import Occurrence
from dondoc.store.reports import category_counts, late_confirmations
from tests.web.conftest import COMMUNE, move, occurrence_of

CULTURE = "cong-chuc-van-hoa-thanh-linh"
FINANCE = "cong-chuc-tai-chinh-thanh-linh"
FOCAL = "cong-chuc-chinh-sach-thanh-linh"
TODAY = date(2023, 6, 1)
LATER = date(2023, 7, 15)


@pytest.fixture
def acted(loaded):
    """1.1 (Tháng 6, due 30/06) reported on 28/05, not confirmed; 3.2.1 (due 31/03) done late; 4.1 done on time."""
    move(loaded, occurrence_of(loaded, COMMUNE, "1.1").id, "reported", at=datetime(2023, 5, 28, 2, tzinfo=UTC),
         by=CULTURE)
    late = occurrence_of(loaded, COMMUNE, "3.2.1").id
    move(loaded, late, "reported", at=datetime(2023, 4, 10, 2, tzinfo=UTC), by=FINANCE)
    move(loaded, late, "done", at=datetime(2023, 4, 12, 2, tzinfo=UTC), by="hoa")
    with session_scope(loaded, write=False) as s:
        on_time = s.exec(select(Occurrence).where(Occurrence.plan_id == COMMUNE, Occurrence.status == "not_started",
                                                  Occurrence.due > TODAY).order_by(Occurrence.id)).first().id
    move(loaded, on_time, "done", at=datetime(2023, 5, 30, 2, tzinfo=UTC), by="hoa")
    return loaded


def page_totals(html: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'data-category="(\w+)">\s*<span class="n">(\d+)</span>', html)}


def store_totals(engine, as_of: date) -> dict[str, int]:
    with session_scope(engine, write=False) as s:
        return {str(k): v for k, v in category_counts(s, as_of=as_of, plan=COMMUNE).items()}


def python_totals(engine, as_of: date) -> dict[str, int]:
    """The Python rendering of the same rules, row by row."""
    counts = dict.fromkeys((str(c) for c in Category), 0)
    with session_scope(engine, write=False) as s:
        for occ in s.exec(select(Occurrence).where(Occurrence.plan_id == COMMUNE)):
            category = standing_of(occ, as_of).category
            if category is not None:
                counts[str(category)] += 1
    return counts


@pytest.mark.parametrize("as_of", [TODAY, LATER], ids=["today (from the tally)", "another day (counted)"])
def test_dashboard_xlsx_api_and_store_agree_on_every_count(acted, as_user, token_for, as_of):
    query = f"plan={COMMUNE}&as_of={as_of.isoformat()}"
    client = as_user("lan")
    expected = store_totals(acted, as_of)
    assert expected == python_totals(acted, as_of)
    assert expected[Category.AWAITING_CONFIRMATION] == 1 and expected[Category.DONE_LATE] == 1
    assert page_totals(client.get(f"/dashboard?{query}").text) == expected
    api = client.get(f"/api/reports/summary?{query}", headers=token_for("lan")).json()
    assert api["totals"] == expected
    book = load_workbook(io.BytesIO(client.get(f"/dashboard.xlsx?{query}").content))
    summary = dict(list(book["Tổng hợp"].values)[1:])
    assert {str(c): summary[CATEGORY_VI[c]] for c in Category} == expected
    ranking = list(book["Xếp hạng cơ quan"].values)
    columns = {label: i for i, label in enumerate(ranking[0])}
    per_agency = {a["name"]: a["counts"] for a in api["agencies"]}
    for row in ranking[1:]:
        assert {str(c): row[columns[CATEGORY_VI[c]]] for c in Category} == per_agency[row[1]]
    rows = list(csv.reader(io.StringIO(client.get(f"/dashboard.csv?{query}").content.decode("utf-8-sig"))))
    assert len(rows) - 1 == expected[Category.IN_PROGRESS_OVERDUE] == len(
        client.get(f"/api/reports/overdue?{query}", headers=token_for("lan")).json())


def test_the_item_reported_on_time_is_a_late_confirmation_for_the_focal_agency_after_its_deadline(acted, as_user,
                                                                                                  token_for):
    with session_scope(acted, write=False) as s:
        assert late_confirmations(s, as_of=TODAY, plan=COMMUNE) == []
        (late,) = late_confirmations(s, as_of=LATER, plan=COMMUNE)
    assert (late.agency, late.items, late.oldest_days) == (FOCAL, 1, 15)
    html = as_user("lan").get(f"/dashboard?plan={COMMUNE}&as_of={LATER.isoformat()}").text
    section = html[html.index('id="late-confirmations"'):]
    assert f'data-confirming="{FOCAL}"' in section and "Chờ xác nhận quá hạn" in html
    api = as_user("lan").get(f"/api/reports/summary?plan={COMMUNE}&as_of={LATER.isoformat()}",
                             headers=token_for("lan")).json()
    assert [(c["agency"], c["items"], c["oldest_days"]) for c in api["late_confirmations"]] == [(FOCAL, 1, 15)]
