"""The two real plans in ../shared/plans against hand-written answer keys.

Precision and recall per field are written to docs/importer.md (between the
markers) every time this module runs, so the table never drifts from the code.
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
import yaml

from dondoc.config.reader import read_config
from dondoc.importer import ImportResult, import_plan, to_dict, to_yaml

from .conftest import KEYS, ROOT
from .scoring import misses, score, table

DOCS = ROOT / "docs" / "importer.md"
START, END = "<!-- precision-recall:start -->", "<!-- precision-recall:end -->"
COMMUNE, PROVINCE = "thanh-linh-2023-KH-UBND", "nghe-an-2021-192-KH-UBND"


def key(name: str) -> dict:
    return yaml.safe_load((KEYS / f"{name}.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def drafts(real_agencies, plans_dir) -> dict[str, ImportResult]:
    return {name: import_plan(plans_dir / f"{name}.txt", agencies=real_agencies) for name in (COMMUNE, PROVINCE)}


def test_every_task_of_both_plans_is_found_and_nothing_else(drafts):
    for name, result in drafts.items():
        found, expected = [t.number for t in result.tasks], list(key(name)["tasks"])
        assert found == expected, name


def test_precision_and_recall_meet_the_targets_and_are_written_to_the_docs(drafts, real_agencies, plans_dir):
    scores = {name: score(result, key(name)) for name, result in drafts.items()}
    names_only = [{k: v for k, v in row.items() if k != "aliases"} for row in real_agencies]
    bare = {name: score(import_plan(plans_dir / f"{name}.txt", agencies=names_only), key(name)) for name in drafts}
    _write_table("\n\n".join([
        "With the example registry (`config/agencies-*.yaml`, names and aliases):",
        table({"commune": scores[COMMUNE], "province": scores[PROVINCE]}),
        "With the same registry stripped of every alias (names only), to show what the matching rules do alone:",
        table({"commune": bare[COMMUNE], "province": bare[PROVINCE]})]))
    for name, by_field in scores.items():
        for field in ("lead", "timeframe"):
            s = by_field[field]
            assert s.precision >= 0.95 and s.recall >= 0.95, (name, field, misses(drafts[name], key(name), field))
        assert by_field["reporting dates"].recall == 1.0 and by_field["reporting dates"].precision == 1.0


def _write_table(markdown: str) -> None:
    block = f"{START}\n{markdown}\n{END}"
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else f"# Importer\n\n{START}\n{END}\n"
    new = re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _: block, text, flags=re.DOTALL)
    if new != text:
        DOCS.write_text(new, encoding="utf-8")


def test_the_header_is_read_from_both_plans(drafts):
    commune, province = drafts[COMMUNE].plan, drafts[PROVINCE].plan
    assert (province.number, str(province.issued_on), province.place) == ("192/KH-UBND", "2021-04-08", "Nghệ An")
    assert province.title == "Thực hiện công tác trẻ em năm 2021 trên địa bàn tỉnh Nghệ An"
    assert (commune.number, str(commune.issued_on), commune.place) == ("/KH-UBND", "2023-05-15", "Thanh Lĩnh")
    for name, plan in ((COMMUNE, commune), (PROVINCE, province)):
        assert (plan.issued_by, plan.focal) == (key(name)["issued_by"], key(name)["focal"])


def test_the_implemented_plan_is_read_with_its_number(drafts):
    commune = drafts[COMMUNE].plan
    assert commune.implements_text == "Thực hiện Kế hoạch số 90/KH-UBND ngày 11/5/2023 của UBND huyện Thanh Chương"
    assert commune.implements_number == "90/KH-UBND"
    assert any(r.field == "implements" for r in commune.review)
    assert drafts[PROVINCE].plan.implements_number == "375/BLĐTBXH-TE"


def test_the_reporting_regime_goes_to_the_focal_agency(drafts):
    reporting = drafts[PROVINCE].plan.reporting
    assert [(r.name, r.every, r.due, r.from_, r.to) for r in reporting] == [
        ("Báo cáo 6 tháng", "6 months", "10/05", "leads", "focal"), ("Báo cáo năm", "year", "10/11", "leads", "focal")]
    assert drafts[PROVINCE].plan.onward_report.startswith("Bộ Lao động – Thương binh và Xã hội")


def test_indicators_and_schedules_are_in_the_draft(drafts):
    province = {t.number: t for t in drafts[PROVINCE].tasks}
    assert province["III.2.3.a"].indicators == (3, 4, 5, 6, 7, 8, 9, 10, 11, 12)
    commune = {t.number: t for t in drafts[COMMUNE].tasks}
    assert commune["1.1"].schedule == "Lịch: hạn 30/06/2023"
    assert commune["3.3.3"].schedule == "Lịch: 6 tháng một lần; hằng năm; khi phát sinh (không nhắc theo ngày)"


def test_doubtful_fields_are_flagged_with_their_source_line(drafts):
    commune = {t.number: t for t in drafts[COMMUNE].tasks}
    reasons = {r.field: (r.line, r.reason) for r in commune["4.2"].review}
    assert reasons["timeframe"][0] == "thanh-linh-2023-KH-UBND.txt:251" and "2022" in reasons["timeframe"][1]
    assert any(r.field == "number" and "2.3.3" in r.reason for r in commune["2.3.5"].review)
    assert any(r.field == "lead" and "2.3.7" in r.reason for r in commune["2.3.1"].review)
    assert any(r.field == "lead" and "chủ trì" in r.reason for r in commune["2.3.8"].review)
    province = {t.number: t for t in drafts[PROVINCE].tasks}
    assert any("Viện kiểm sát nhân" in r.reason for r in drafts[PROVINCE].plan.review)
    assert any(r.field == "timeframe" for r in province["III.2.10.c"].review)
    assert commune["2.2"].source == "thanh-linh-2023-KH-UBND.txt:63"


def test_the_yaml_draft_reads_back_to_the_same_data(drafts):
    for result in drafts.values():
        text = to_yaml(result)
        assert yaml.safe_load(text) == to_dict(result)
        assert "# Lịch:" in text


def test_a_reviewed_draft_loads_with_the_config_checks(drafts):
    """Once the review keys are removed, the draft passes `read_config` (schema, ids, timeframes)."""
    config = sorted((ROOT / "config").glob("agencies-*.yaml")) + sorted((ROOT / "config").glob("polic*.yaml"))
    for name, result in drafts.items():
        data = to_dict(result)
        for plan in data["plans"]:
            plan.pop("review", None)
            for task in plan["tasks"]:
                task.pop("review", None)
        # the reviewer confirms each proposed agency: an e-mail, a parent, into `agencies:` (docs/importer.md)
        data["agencies"] = [{"id": a["id"], "name": a["name"], "level": "group" if a["level"] == "group" else "unit",
                             "parent": data["plans"][0]["issued_by"], "email": f"{a['id']}@example.vn"}
                            for a in data.pop("proposed_agencies", [])]
        with tempfile.TemporaryDirectory() as tmp:
            draft = Path(tmp) / f"{name}.yaml"
            draft.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
            loaded = read_config([*config, draft])
        assert len(loaded.plans) == 1
