"""The importer proposes `implementing_plans` where a plan asks its
subordinate units to issue their own plan, flagged for review with the line
it comes from; it proposes nothing for the issuer's own preamble or citations."""
from __future__ import annotations

import textwrap
from datetime import date

import yaml

from dondoc.config.reader import read_config
from dondoc.importer.implementing import merged, propose_implementing_plans
from dondoc.importer.text import from_text, read_source
from tests.conftest import PLANS
from tests.store.implementing_data import PROVINCE, write

ISSUED = date(2025, 11, 1)


def proposals(name: str, issuer: str | None = "ubnd-tinh", **kw):
    return propose_implementing_plans(read_source(PLANS / name), issuer=issuer, issued_on=ISSUED, **kw)


def test_communes_and_departments_asked_to_issue_a_plan_become_children_of_the_issuer():
    [p] = proposals("train/nghe-an-phong-thu-dan-su-2025.txt")
    assert p.line.endswith(":64") and p.by == ("children of ubnd-tinh",)
    assert set(p.level) == {"commune", "department", "board"}
    assert "Ủy ban nhân dân các xã, phường" in p.groups and p.due is None
    assert any("không ghi hạn" in r for r in p.reasons) and any("đề xuất từ câu" in r for r in p.reasons)


def test_the_agency_heading_above_a_duty_names_who_must_issue_the_plan():
    found = proposals("nghe-an-2021-192-KH-UBND.txt")
    heading = next(p for p in found if p.line.endswith(":161"))
    assert heading.groups == ("Ủy ban nhân dân các huyện, thành phố, thị xã",) and heading.level == ("district",)


def test_a_deadline_counted_from_an_unknown_day_is_left_to_the_coordinator():
    p = next(p for p in proposals("train/can-tho-phong-chong-ma-tuy-2025.txt") if p.line.endswith(":286"))
    assert p.due is None and any("10 ngày kể từ ngày nhận" in r for r in p.reasons)


def test_named_communes_are_resolved_to_their_ids_and_the_unknown_ones_flagged():
    ids = {"Ủy ban nhân dân xã Gia Thuận": "ubnd-xa-gia-thuan", "Ủy ban nhân dân xã Tân Điền": "ubnd-xa-tan-dien"}
    [p] = proposals("train/dong-thap-tai-nguyen-moi-truong-bien-2025.txt", resolve=ids.get)
    assert p.by == ("ubnd-xa-gia-thuan", "ubnd-xa-tan-dien")
    assert any("Gò Công Đông, Tân Phú Đông" in r for r in p.reasons)


def test_the_issuers_preamble_citations_and_appendix_rows_are_not_proposals():
    text = textwrap.dedent("""\
        Căn cứ Nghị quyết số 138/NQ-CP của Chính phủ ban hành Kế hoạch hành động;
        UBND tỉnh ban hành Kế hoạch thực hiện công tác trẻ em năm 2025, với nội dung sau:
        | 4.1 | Xây dựng Kế hoạch triển khai Chiến lược dữ liệu | Công an tỉnh | UBND các xã, phường | 2025 |
        - Hướng dẫn các sở, ngành xây dựng kế hoạch, dự toán kinh phí.
        UBND xã Thanh Lĩnh xây dựng kế hoạch triển khai thực hiện.
        """)
    assert propose_implementing_plans(from_text(text, "x.txt"), issuer="ubnd-tinh", issued_on=ISSUED) == []
    assert proposals("train/dak-lak-ho-tro-nhu-yeu-pham-mua-lu-2025.txt") == []


def test_a_written_deadline_is_proposed_and_the_merged_entry_loads(tmp_path):
    text = "3. UBND các xã, phường xây dựng kế hoạch triển khai thực hiện trước ngày 31/12/2025."
    found = propose_implementing_plans(from_text(text, "plan.txt"), issuer="ubnd-tinh-binh-an", issued_on=ISSUED)
    assert [(p.due, p.level, p.line) for p in found] == [("trước ngày 31/12/2025", ("commune",), "plan.txt:1")]
    entry = merged(found)
    assert entry == {"by": ["children of ubnd-tinh-binh-an"], "level": ["commune"], "due": "trước ngày 31/12/2025"}
    plan = yaml.safe_load(PROVINCE)
    plan["plans"][0]["implementing_plans"] = entry
    config = read_config([write(tmp_path, plan=yaml.safe_dump(plan, allow_unicode=True))])
    assert config.plans["tinh-2025"].item.implementing_plans[0].level == ["commune"]


def test_without_an_issuer_nothing_is_named_and_the_review_says_so():
    text = "UBND các xã, phường xây dựng kế hoạch triển khai thực hiện."
    [p] = propose_implementing_plans(from_text(text, "plan.txt"), issuer=None, issued_on=ISSUED)
    assert p.by == () and any("chưa biết cơ quan ban hành" in r for r in p.reasons)
    assert p.as_config() == {"by": [], "level": ["commune"], "due": None}
