"""The review table's edits applied to a draft (pure: YAML text in, YAML text out)."""
from __future__ import annotations

from datetime import date

import yaml

from dondoc.web.import_edit import Form, apply_edits
from dondoc.web.import_view import draft_view

DRAFT = """\
plans:
- id: dak-lak-2025
  number: 12/KH-UBND
  title: Hỗ trợ nhu yếu phẩm
  place: Đắk Lắk
  issued_by: ubnd-tinh-dak-lak
  issued_on: 2025-11-20
  focal: so-cong-thuong-dak-lak
  review:
  - {field: focal, line: 'plan.txt:9', reason: Không rõ cơ quan đầu mối}
  tasks:
  - number: '1'
    title: Rà soát nhu cầu
    lead: so-moi
    support: [so-tai-chinh-dak-lak, so-y-te-dak-lak]
    timeframe: Tháng 12/2025
    review:
    - {field: lead, line: 'plan.txt:20', reason: Cơ quan chưa có trong danh mục}
    - {field: timeframe, line: 'plan.txt:21', reason: Hạn gần ngày ban hành}
proposed_agencies:
- {id: so-moi, name: Sở Mới, level: department, parent: null, email: null, aliases: [], source: 'plan.txt:20', used_by: ['1'], reason: chưa có}
- {id: ban-khong-dung, name: Ban Không Dùng, level: board, parent: null, email: null, aliases: [], source: 'plan.txt:30', used_by: [], reason: chưa có}
"""


def edited(**fields: str | list[str]) -> dict:
    items = [(k.replace("_", "-"), v) for k, values in fields.items()
             for v in (values if isinstance(values, list) else [values])]
    return yaml.safe_load(apply_edits(DRAFT, Form(items)))


def test_a_ticked_flag_leaves_the_draft_and_an_unticked_one_stays():
    task = edited(clear_0_1="1")["plans"][0]["tasks"][0]
    assert [r["field"] for r in task["review"]] == ["lead"]
    assert "review" not in edited(clear_0_0="1", clear_0_1="1")["plans"][0]["tasks"][0]
    assert "review" not in edited(clear_plan_0="1")["plans"][0]


def test_a_new_agency_given_an_email_joins_the_registry_and_one_no_task_names_is_dropped():
    data = edited(**{"agency-0-email": "somoi@daklak.example.vn", "agency-0-parent": "ubnd-tinh-dak-lak"})
    assert data["agencies"] == [{"id": "so-moi", "name": "Sở Mới", "level": "department", "parent": "ubnd-tinh-dak-lak",
                                 "email": "somoi@daklak.example.vn", "aliases": []}]
    assert "proposed_agencies" not in data


def test_a_new_agency_without_an_email_stays_proposed_so_the_load_refuses_it():
    data = edited()
    assert [p["id"] for p in data["proposed_agencies"]] == ["so-moi"] and "agencies" not in data


def test_coordinating_agencies_keep_the_documents_order_and_the_lead_is_not_its_own_coordinator():
    task = edited(support_shown_0="1", support_0=["so-y-te-dak-lak", "so-moi", "so-tai-chinh-dak-lak"],
                  lead_0="so-tai-chinh-dak-lak")["plans"][0]["tasks"][0]
    assert task["lead"] == "so-tai-chinh-dak-lak" and task["support"] == ["so-y-te-dak-lak", "so-moi"]


def test_an_issue_date_from_the_date_picker_stays_a_date_and_the_schedule_follows_a_new_timeframe():
    text = apply_edits(DRAFT, Form([("plan-issued_on", "2025-11-21"), ("timeframe-0", "Quý I/2026")]))
    assert yaml.safe_load(text)["plans"][0]["issued_on"] == date(2025, 11, 21)
    view = draft_view(text, "plan.yaml")
    assert [(w.kind, w.text) for w in view.tasks[0].schedule] == [("due", "31/03/2026")]


def test_a_draft_that_is_not_yaml_or_uses_aliases_comes_back_untouched_for_the_check_to_explain():
    for text in ("plans: [unclosed\n", "a: &x [1]\nb: *x\n", "- 1\n"):
        assert apply_edits(text, Form([("lead-0", "x")])) == text
