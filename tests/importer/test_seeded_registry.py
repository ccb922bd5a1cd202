"""A seeded Đồng Nai registry plus an imported Đồng Nai plan (179/KH-UBND,
18/11/2025) load together, the plan's leads matched to Đồng Nai's agencies.

The expected leads are read by hand from section VI "TỔ CHỨC THỰC HIỆN" and
the appendix of ../shared/plans/train/dong-nai-kinh-te-so-xa-hoi-so-2025.txt,
never from the importer's output."""
from __future__ import annotations

import pytest
import yaml
from sqlmodel import select

from dondoc.config.reader import read_config
from dondoc.config.seed import find_province, official_provinces, seed_province, standard_bodies, to_yaml
from dondoc.engine.calendar import CalendarDecisions, WorkCalendar
from dondoc.engine.timeframes import TimeframeError, parse_timeframe
from dondoc.importer import import_plan, to_dict
from dondoc.store.db import session_scope
from dondoc.store.loader import apply_config
from dondoc.store.models import Agency, Task
from tests.conftest import CONFIG, PLANS
from tests.web.conftest import LOADED_AT

PLAN = PLANS / "train" / "dong-nai-kinh-te-so-xa-hoi-so-2025.txt"
SEED = seed_province(find_province(official_provinces(), "Đồng Nai"), standard_bodies())
DONG_NAI = {a["id"] for a in SEED.agencies}
HEADING_LEADS = {  # "VI.<n>. <agency>: ..." as the document writes it
    "1": "so-khoa-hoc-cong-nghe", "2": "so-tai-chinh", "3": "so-nong-nghiep-moi-truong", "4": "so-y-te",
    "5": "so-giao-duc-dao-tao", "6": "so-van-hoa-the-thao-du-lich", "7": "so-cong-thuong", "9": "cong-an",
    "10": "bo-chi-huy-quan-su", "11": "so-noi-vu", "12": "so-ngoai-vu", "13": "so-xay-dung",
    "15": "bao-phat-thanh-truyen-hinh", "16": "doan-thanh-nien", "17": "lien-doan-lao-dong", "18": "ubmttq"}
APPENDIX_ROWS = {  # task text (first words) -> (lead, support groups), from the appendix table
    "Rà soát, xây dựng, sửa đổi, bổ sung các quy định pháp luật": ("so-tu-phap", ["cac-so-ban-nganh", "ubnd-cac-xa-phuong"]),
    "Triển khai chiến lược, kế hoạch chuyển đổi số, lộ trình số hóa": ("so-cong-thuong", ["cac-so-ban-nganh", "ubnd-cac-xa-phuong"]),
    "Triển khai Chương trình hỗ trợ doanh nghiệp nhỏ và vừa chuyển đổi số": ("so-khoa-hoc-cong-nghe", ["ubnd-cac-xa-phuong"]),
}


def ours(key: str) -> str:
    return f"{key}-75-dong-nai"


@pytest.fixture(scope="module")
def draft():
    if not PLAN.is_file():
        pytest.skip("../shared/plans not present")
    return import_plan(PLAN, agencies=SEED.agencies)


def test_the_plan_is_issued_by_the_seeded_peoples_committee(draft):
    assert draft.plan.issued_by == "ubnd-tinh-75-dong-nai" and draft.plan.place == "Đồng Nai"


def test_the_duties_under_agency_headings_are_led_by_dong_nais_agencies(draft):
    found = [t for t in draft.plan.tasks if t.number.startswith("VI.")]
    assert len(found) >= 10
    for t in found:
        heading = t.number.split(".")[1]
        if heading in HEADING_LEADS:
            assert t.lead == ours(HEADING_LEADS[heading]), t.number


def test_every_agency_the_draft_names_is_seeded_or_flagged(draft):
    proposed = {p.id for p in draft.proposed_agencies}
    for t in draft.plan.tasks:
        assert {t.lead, *t.support} <= DONG_NAI | proposed, t.number


@pytest.mark.xfail(strict=False, reason="the current importer reads only the duties of section VI, not this plan's "
                   "appendix table (16 of the ~120 tasks); the place-aware importer is being written")
def test_the_appendix_rows_are_led_by_dong_nais_agencies_with_the_commune_group(draft):
    for start, (lead, groups) in APPENDIX_ROWS.items():
        [task] = [t for t in draft.plan.tasks if t.title.startswith(start)]
        assert task.lead == ours(lead) and {ours(g) for g in groups} <= set(task.support)
    assert len(draft.plan.tasks) >= 100


# The coordinator's answers to the draft's timeframe review items, read in the
# document: VI.1.a ends "(định kỳ hằng năm)." and the draft keeps the ")".
TIMEFRAMES_REVIEWED = {"VI.1.a": "Định kỳ hằng năm"}


def readable(phrase: str) -> bool:
    try:
        parse_timeframe(phrase, plan_year=2025)
    except TimeframeError:
        return False
    return True


def reviewed(draft, *, fix_timeframes: bool = True) -> dict:
    """What a coordinator does to the draft before loading it: name the focal
    agency (the plan's reports go to Sở Khoa học và Công nghệ), give the dates
    the plan leaves out of its reporting regime, answer the review notes and drop them, and move the proposed agencies into the
    registry (no email yet)."""
    data = to_dict(draft)
    plan = data["plans"][0]
    plan.pop("review", None)
    plan["focal"] = ours("so-khoa-hoc-cong-nghe")
    for t in plan["tasks"]:
        flagged = {r["field"] for r in t.pop("review", [])}
        if fix_timeframes and "timeframe" in flagged and t["number"] in TIMEFRAMES_REVIEWED:
            t["timeframe"] = TIMEFRAMES_REVIEWED[t["number"]]
        elif fix_timeframes and t.get("timeframe") and not readable(t["timeframe"]):
            t["timeframe"] = "Thường xuyên trong năm"  # the coordinator's answer to "2026 - 2030": yearly check-points
    for r in plan.get("reporting", []):  # the plan gives no dates for its 6-month and yearly reports
        if not r.get("due") and r.get("every") in ("year", "6 months"):
            r["due"] = "15/12" if r["every"] == "year" else "15/06"
    agencies = [{"id": p["id"], "name": p["name"], "level": p["level"] or "unit", "parent": "ubnd-tinh-75-dong-nai",
                 "email": "", "aliases": p["aliases"]} for p in data.get("proposed_agencies", [])]
    return {"agencies": agencies, "plans": [plan]}


def write_both(folder, plan: dict):
    folder.mkdir(exist_ok=True)
    (folder / "agencies-dong-nai.yaml").write_text(to_yaml(SEED, title="Đồng Nai", source="test"), encoding="utf-8")
    (folder / "plan-dong-nai-179.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    return read_config([folder, CONFIG / "policies.yaml"])


@pytest.mark.xfail(strict=False, reason="the current importer keeps a stray ')' in VI.1.a's timeframe "
                   "(“Định kỳ hằng năm)”), which the config refuses; it flags it for review")
def test_the_draft_loads_once_its_review_keys_are_removed(tmp_path, draft):
    write_both(tmp_path / "c", reviewed(draft, fix_timeframes=False))


def test_the_seeded_registry_and_the_imported_plan_load_together(tmp_path, draft, engine):
    plan_file = reviewed(draft)
    config = write_both(tmp_path / "c", plan_file)
    with session_scope(engine) as s:
        apply_config(s, config, now=LOADED_AT, calendar=WorkCalendar(CalendarDecisions()))
    with session_scope(engine, write=False) as s:
        leads = set(s.exec(select(Task.lead_id).where(Task.plan_id == draft.plan.id, Task.kind == "task")))
        proposed = {a["id"] for a in plan_file["agencies"]}  # new agencies of Đồng Nai, added by the coordinator
        assert leads and leads <= DONG_NAI | proposed and leads & DONG_NAI
        assert s.get(Agency, ours("so-khoa-hoc-cong-nghe")).email == ""


def test_an_old_plan_naming_abolished_departments_matches_their_inactive_agencies():
    """Nghệ An's 192/KH-UBND (2021) assigns duties to Sở Lao động - Thương binh
    và Xã hội, Sở Giao thông vận tải, Sở Thông tin và Truyền thông and Ban Dân
    tộc (section III.2), all merged away in 2025."""
    nghe_an = seed_province(find_province(official_provinces(), "Nghệ An"), standard_bodies())
    result = import_plan(PLANS / "nghe-an-2021-192-KH-UBND.txt", agencies=nghe_an.agencies)
    leads = {t.lead for t in result.plan.tasks}
    assert {"so-lao-dong-thuong-binh-xa-hoi-40-nghe-an", "so-giao-thong-van-tai-40-nghe-an",
            "so-thong-tin-truyen-thong-40-nghe-an", "ban-dan-toc-40-nghe-an"} <= leads
    inactive = {a["id"] for a in nghe_an.agencies if a.get("active") is False}
    assert result.plan.focal in inactive  # the plan's focal, Sở LĐTBXH, is one of them
