"""Reviewing an imported draft in the table: one row per task, the lead picked
among the agencies of the plan's place, timeframes shown with the schedule
they parse to, flags ticked off one by one; saved, or loaded all-or-nothing
with each problem under its row."""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from dondoc.store.db import session_scope
from dondoc.store.models import Agency, Task
from tests.importer.pdfmaker import FONT
from tests.importer.test_pdf import as_pdf
from tests.web.test_import_pages import (
    DOCUMENT,
    DRAFT_PLAN,
    counts,
    draft_of,
    row_of,
    upload,
)

FLAGGED_LEAD = 1                    # row of task 1.2: "Công chức văn hóa, công chức chính sách" both lead
OTHER_PLACE = "so-y-te-dong-nai"


class _Fields(HTMLParser):
    """What a browser would post from the review form, boxes unticked: (name, value) pairs, and the checkboxes."""

    def __init__(self) -> None:
        super().__init__()
        self.inside, self.fields, self.boxes = False, [], []
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == "review"
        if not self.inside:
            return
        if tag == "input" and a.get("type") == "checkbox":
            self.boxes.append(a["name"])
        elif tag == "input" and a.get("name"):
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self.select = a["name"]
        elif tag == "option" and self.select and "selected" in a:
            self.fields.append((self.select, a.get("value", "")))
        elif tag == "textarea":
            self.textarea = a["name"]
            self.fields.append((a["name"], ""))

    def handle_data(self, data):
        if self.textarea:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def review_form(page: str) -> _Fields:
    parser = _Fields()
    parser.feed(page)
    parser.fields = [(k, v.removeprefix("\n") if k == "draft" else v) for k, v in parser.fields]
    return parser


def submit(client, page: str, action: str, *, tick: bool = True, **changes: str):
    """Post the review form as a browser would: `changes` replace fields, every flag ticked unless tick=False."""
    form = review_form(page)
    fields = [(k, changes.pop(k.replace("-", "_"), v)) for k, v in form.fields]
    fields += [(k.replace("_", "-"), v) for k, v in changes.items()]
    fields += [(box, "1") for box in form.boxes] if tick else []
    body = urlencode(fields + [("action", action)])
    return client.post("/import/review", content=body, follow_redirects=False,
                       headers={"Content-Type": "application/x-www-form-urlencoded"})


@pytest.fixture
def drafted(as_user):
    hoa = as_user("hoa")
    page = upload(hoa, DOCUMENT.name, DOCUMENT.read_bytes())
    assert page.status_code == 200, page.text
    return hoa, page.text


def lead_of(engine, number: str) -> str:
    with session_scope(engine, write=False) as s:
        return s.execute(select(Task.lead_id).where(Task.plan_id == DRAFT_PLAN, Task.number == number)).scalar_one()


def test_hoa_fixes_the_flagged_lead_ticks_off_the_flags_and_loads_the_plan(drafted, loaded):
    client, page = drafted
    response = submit(client, page, "load", lead_1="cong-chuc-chinh-sach-thanh-linh", plan_number="125/KH-UBND")
    assert response.status_code == 303, html.unescape(response.text)[-3000:]
    assert response.headers["location"] == f"/plans/{DRAFT_PLAN}?loaded=1"
    assert lead_of(loaded, "1.2") == "cong-chuc-chinh-sach-thanh-linh"
    assert lead_of(loaded, "1.1") == "cong-chuc-van-hoa-thanh-linh"
    assert "125/KH-UBND" in client.get(response.headers["location"]).text


def test_the_lead_picker_offers_only_the_agencies_of_the_plans_place(drafted, loaded):
    client, page = drafted
    with session_scope(loaded) as s:
        s.add(Agency(id=OTHER_PLACE, name="Sở Y tế tỉnh Đồng Nai", level="department", email="syt@dongnai.example.vn"))
    page = upload(client, DOCUMENT.name, DOCUMENT.read_bytes()).text
    picker = re.search(r'<select name="lead-0".*?</select>', page, re.DOTALL).group(0)
    assert 'value="tram-y-te-thanh-linh"' in picker and 'value="so-ldtbxh-nghe-an"' in picker
    assert 'value="bo-ldtbxh"' in picker                    # national bodies are of every place
    assert OTHER_PLACE not in picker and "Sở Y tế tỉnh Đồng Nai" not in picker


def test_a_lead_of_another_place_is_refused_under_its_row_and_nothing_loads(drafted, loaded):
    client, page = drafted
    with session_scope(loaded) as s:
        s.add(Agency(id=OTHER_PLACE, name="Sở Y tế tỉnh Đồng Nai", level="department", email="syt@dongnai.example.vn"))
    before = counts(loaded)
    response = submit(client, page, "load", lead_3=OTHER_PLACE)
    assert response.status_code == 422 and counts(loaded) == before
    problems = html.unescape(re.search(r'<tr class="problems" data-problems="3">.*?</tr>', response.text, re.DOTALL).group(0))
    line = draft_of(response.text).splitlines().index("  - number: '2.1'") + 1
    assert f"thanh-linh-2023-KH-UBND.yaml:{line}: tasks.lead: '{OTHER_PLACE}' không thuộc địa bàn" in problems
    assert "⚠ Sở Y tế tỉnh Đồng Nai — ngoài địa bàn của kế hoạch" in row_of(response.text, "2.1")


def test_flags_not_ticked_off_block_the_load_and_are_named_under_their_rows(drafted, loaded):
    client, page = drafted
    before = counts(loaded)
    response = submit(client, page, "load", tick=False)
    assert response.status_code == 422 and counts(loaded) == before
    assert "Bản nháp có lỗi, chưa nạp gì" in response.text
    under = re.search(rf'<tr class="problems" data-problems="{FLAGGED_LEAD}">.*?</tr>', response.text, re.DOTALL).group(0)
    assert "plans.tasks.review: cần rà soát rồi xóa trước khi nạp" in under


def test_saving_a_new_timeframe_shows_its_schedule_and_keeps_the_flags_not_ticked(drafted, loaded):
    client, page = drafted
    before = counts(loaded)
    response = submit(client, page, "save", tick=False, timeframe_0="Quý III/2023", clear_1_0="1")
    assert response.status_code == 200 and counts(loaded) == before
    assert "Đã cập nhật bản nháp; chưa nạp gì." in response.text and f"từ {DOCUMENT.name}" in response.text
    assert 'value="Quý III/2023"' in row_of(response.text, "1.1") and "→ hạn 30/09/2023" in row_of(response.text, "1.1")
    assert 'name="clear-1-0"' not in response.text and 'name="clear-2-0"' in response.text
    assert "timeframe: Quý III/2023" in draft_of(response.text)


def test_a_timeframe_the_engine_cannot_read_says_so_next_to_it(drafted):
    client, page = drafted
    response = submit(client, page, "save", tick=False, timeframe_0="Quý V/2023")
    assert "⚠ Thời hạn “Quý V/2023” không đọc được" in row_of(response.text, "1.1")


def test_the_review_table_speaks_english_on_request(drafted):
    client, page = drafted
    client.get("/import?lang=en")                           # the language is remembered in a cookie
    english = submit(client, page, "save", tick=False).text
    assert "Save changes" in english and "Reviewed" in english and "→ due 30/06/2023" in english


@pytest.mark.skipif(not FONT.exists(), reason="DejaVu Sans is needed to write a Vietnamese PDF")
def test_a_pdf_of_the_plan_drafts_the_same_tasks_as_its_text(drafted):
    client, page = drafted
    response = upload(client, "ke-hoach.pdf", as_pdf(DOCUMENT.read_text(encoding="utf-8")), "application/pdf")
    assert response.status_code == 200 and 'data-count="tasks">33<' in response.text
    assert "<strong>Chủ trì</strong> · văn bản ke-hoach.pdf:" in row_of(response.text, "1.2")
    assert review_form(response.text).boxes == review_form(page).boxes
