"""A corpus of bad configs, one defect each: a clear error naming file:line and
field, exit code 2, and the database left exactly as it was."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from dondoc.cli.main import app
from tests.factories import AGENCIES, PLAN, POLICIES, write_config

runner = CliRunner()
TABLES = ("agency", "plan", "task", "occurrence", "event", "policy")


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in TABLES}


def load(folder, url):
    return runner.invoke(app, ["load", str(folder), "--now", "2023-03-01"], env={"DONDOC_DATABASE_URL": url})


ORIGINAL = {"agencies": AGENCIES, "policies": POLICIES, "plan": PLAN}


def first_changed_line(before: str, after: str) -> int:
    for i, (a, b) in enumerate(zip(before.splitlines(), after.splitlines(), strict=False), start=1):
        if a != b:
            return i
    return 1


DEFECTS = [
    ("yaml syntax", "plan", PLAN.replace("    tasks:", "    tasks: [\n"), "plan.yaml:", "YAML"),
    ("unknown key", "plan", PLAN.replace("    escalation: default", "    escalaton: default"), "plan.yaml:@", "escalaton"),
    ("unknown lead", "plan", PLAN.replace("lead: tram-y-te-an-binh", "lead: tram-y-te-xyz"), "plan.yaml:@", "tram-y-te-xyz"),
    ("unknown support", "plan", PLAN.replace("support: [tram-y-te-an-binh]", "support: [khong-co]"), "plan.yaml:@", "khong-co"),
    ("unknown focal", "plan", PLAN.replace("focal: cong-chuc-chinh-sach-an-binh", "focal: ai-do"), "plan.yaml:@", "ai-do"),
    ("bad date", "plan", PLAN.replace("issued_on: 2023-02-01", "issued_on: 2023-02-30"), "plan.yaml:@", "issued_on"),
    ("unknown timeframe", "plan", PLAN.replace("timeframe: Quý II/2023", "timeframe: Khi nào rảnh"), "plan.yaml:@", "Khi nào rảnh"),
    ("impossible month", "plan", PLAN.replace("Tháng 6 năm 2023", "Tháng 13 năm 2023"), "plan.yaml:@", "Tháng 13"),
    ("duplicate task", "plan", PLAN.replace('number: "2.2"', 'number: "2.1"'), "plan.yaml:", "2.1"),
    ("bad reporting date", "plan", PLAN.replace('due: "10/05"', 'due: "31/02"'), "plan.yaml:@", "31/02"),
    ("29/02 reporting date", "plan", PLAN.replace('due: "10/05"', 'due: "29/02"'), "plan.yaml:@", "29/02"),
    ("monthly report with a due", "plan", PLAN.replace('due: "10/05"', 'every: month, due: "10/05"'), "plan.yaml:@", "day"),
    ("one-off report without a year", "plan", PLAN.replace('due: "10/05"', 'every: once, due: "10/05"'), "plan.yaml:@",
     "dd/mm/yyyy"),
    ("unknown reporting rhythm", "plan", PLAN.replace('due: "10/05"', 'every: fortnight, due: "10/05"'), "plan.yaml:@",
     "every"),
    ("unknown day-off rule", "plan", PLAN.replace("    escalation: default", "    escalation: default\n"
                                                  "    deadline_on_day_off: sometimes"), "plan.yaml:@", "deadline_on_day_off"),
    ("typo year", "plan", PLAN.replace("timeframe: Quý II/2023", "timeframe: Quý II/2203"), "plan.yaml:@", "2203"),
    ("calendar day both ways", "policies", POLICIES + "calendar:\n  days_off: [2023-06-05]\n  working_days: [2023-06-05]\n",
     "policies.yaml:", "05/06/2023"),
    ("calendar not a date", "policies", POLICIES + "calendar:\n  days_off: [5/6/2023]\n", "policies.yaml:", "calendar"),
    ("unknown policy", "plan", PLAN.replace("escalation: default", "escalation: strict"), "plan.yaml:@", "strict"),
    ("invalid email", "agencies", AGENCIES.replace("email: tramyte@anbinh.example.vn", "email: tramyte-at-anbinh"), "agencies.yaml:@", "email"),
    ("duplicate agency id", "agencies", AGENCIES.replace("id: truong-hoc-an-binh", "id: tram-y-te-an-binh"), "agencies.yaml:@", "tram-y-te-an-binh"),
    ("unknown parent", "agencies", AGENCIES.replace("parent: ubnd-huyen-an-phu", "parent: ubnd-tinh-x"), "agencies.yaml:@", "ubnd-tinh-x"),
    ("cycle", "agencies", AGENCIES.replace("    email: vanthu@anphu.example.vn",
                                            "    parent: cong-chuc-chinh-sach-an-binh\n    email: vanthu@anphu.example.vn"),
     "agencies.yaml:", "vòng lặp"),
    ("bad step offset", "policies", POLICIES.replace("+1 day", "+1 fortnight"), "policies.yaml:@", "fortnight"),
    ("unknown recipient", "policies", POLICIES.replace("notify: [issuer]", "notify: [chairman]"), "policies.yaml:@", "chairman"),
    ("not a mapping", "policies", "- just\n- a list\n", "policies.yaml:@", "mapping"),
]


@pytest.mark.parametrize("name,file,content,where,mentions", DEFECTS, ids=[d[0] for d in DEFECTS])
def test_each_defect_gives_a_clear_error_and_changes_nothing(tmp_path, engine, db_url, name, file, content, where, mentions):
    good = write_config(tmp_path / "good")
    assert load(good, db_url).exit_code == 0
    before = counts(engine)
    folder = write_config(tmp_path / "bad", **{"agencies": AGENCIES, "policies": POLICIES, "plan": PLAN, file: content})
    result = load(folder, db_url)
    assert result.exit_code == 2, result.output
    where = where.replace("@", str(first_changed_line(ORIGINAL[file], content)))
    assert where in result.output and mentions in result.output, result.output
    assert counts(engine) == before


def test_non_utf8_file_is_refused_with_its_line(tmp_path, engine, db_url):
    folder = write_config(tmp_path / "bad")
    (folder / "plan.yaml").write_bytes(PLAN.encode("utf-8").replace("Tổ chức".encode(), "Tổ chức".encode("utf-16-le")[:3]))
    result = load(folder, db_url)
    assert result.exit_code == 2 and "UTF-8" in result.output
    assert counts(engine)["plan"] == 0


def test_a_huge_file_is_refused(tmp_path, engine, db_url):
    folder = write_config(tmp_path / "bad")
    (folder / "big.yaml").write_text("# " + "x" * (6 * 1024 * 1024), encoding="utf-8")
    result = load(folder, db_url)
    assert result.exit_code == 2 and "quá lớn" in result.output


def test_all_errors_are_reported_at_once(tmp_path, engine, db_url):
    bad_plan = PLAN.replace("lead: tram-y-te-an-binh", "lead: a-1").replace("lead: truong-hoc-an-binh", "lead: a-2")
    result = load(write_config(tmp_path / "bad", plan=bad_plan), db_url)
    assert "a-1" in result.output and "a-2" in result.output


def test_a_billion_laughs_file_is_refused_at_once(tmp_path, engine, db_url):
    import time

    lol = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=False))
    folder = write_config(tmp_path / "bad")
    (folder / "lol.yaml").write_text(lol, encoding="utf-8")
    started = time.monotonic()
    result = load(folder, db_url)
    assert result.exit_code == 2 and "lol.yaml:1" in result.output and "aliases" in result.output and time.monotonic() - started < 5
