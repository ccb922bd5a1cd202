"""Vietnamese first, English with ?lang=en (remembered in a cookie)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from dondoc.engine.lifecycle import CATEGORY_VI, STATUS_VI
from dondoc.notifications.tokens import make_token
from dondoc.web import labels, plan_data
from dondoc.web.i18n_en import EN
from tests.web.conftest import SECRET

TEMPLATES = Path(plan_data.__file__).parent / "templates"


@pytest.fixture
def db_url(sqlite_url):
    return sqlite_url


def template_texts() -> set[str]:
    found = set()
    for path in TEMPLATES.glob("*.html"):
        found |= {m.group(2) for m in re.finditer(r"""_\((["'])(.+?)\1\)""", path.read_text(encoding="utf-8"))}
    return found


def test_every_text_the_pages_translate_has_an_english_version():
    label_maps = [STATUS_VI, CATEGORY_VI, plan_data.EVERY_VI, *labels.ALL.values()]
    wanted = template_texts() | {v for m in label_maps for v in m.values()}
    wanted |= {"Hạn ghi rõ", "Thường xuyên, theo các kỳ báo cáo", "Khi phát sinh (không tính quá hạn)",
               "Tên đăng nhập hoặc mật khẩu không đúng"}
    assert sorted(wanted - set(EN)) == []


def test_pages_are_in_vietnamese_by_default(as_user):
    page = as_user("lan").get("/dashboard").text
    assert '<html lang="vi">' in page and "Tình hình thực hiện nhiệm vụ" in page


def test_lang_en_switches_the_interface_and_the_choice_is_remembered(as_user):
    client = as_user("lan")
    page = client.get("/dashboard?lang=en")
    assert '<html lang="en">' in page.text and "Task completion" in page.text and "In progress, overdue" in page.text
    assert client.cookies.get("dondoc_lang") == "en"
    plans = client.get("/plans").text
    assert '<html lang="en">' in plans and "Plan number" in plans
    assert '<html lang="vi">' in client.get("/plans?lang=vi").text


def test_the_agency_page_speaks_english_on_request(anon):
    page = anon.get("/r/" + make_token("cong-chuc-tai-chinh-thanh-linh", secret=SECRET) + "?lang=en").text
    assert "Tasks of" in page and "Report done" in page
