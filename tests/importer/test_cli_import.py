"""`dondoc import-plan`: draft to --out or stdout, Vietnamese summary on stderr, exit 2 on broken input."""
from __future__ import annotations

from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from dondoc.cli.importing import import_plan_command

PLAN = """Số: 3/KH-UBND

Thanh Lĩnh, ngày 2 tháng 3 năm 2024

KẾ HOẠCH

Phòng, chống đuối nước trẻ em năm 2024

II. NHIỆM VỤ

1. Tuyên truyền trên loa truyền thanh

Chủ trì: Công chức văn hóa

Phối hợp: Sở Kế hoạch và Đầu tư

Thời gian thực hiện: Tháng 5/2024

III. TỔ CHỨC THỰC HIỆN

1. Chế độ báo cáo

Định kỳ 6 tháng (ngày 10 tháng 6), báo cáo năm (ngày 15 tháng 11) về Công chức văn hóa để tổng hợp.
"""


@pytest.fixture()
def app() -> typer.Typer:
    app = typer.Typer()
    app.command("import-plan")(import_plan_command)
    app.command("noop")(lambda: None)           # two commands, as in dondoc's own CLI
    return app


@pytest.fixture()
def files(tmp_path: Path) -> Path:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "agencies.yaml").write_text(yaml.safe_dump({"agencies": [
        {"id": "cc-van-hoa", "name": "Công chức văn hóa – xã hội", "aliases": ["Công chức văn hóa"]}]}, allow_unicode=True))
    (tmp_path / "config" / "policies.yaml").write_text("escalation_policies: []\n")
    (tmp_path / "plan.txt").write_text(PLAN, encoding="utf-8")
    return tmp_path


def run(app, *args):
    return CliRunner().invoke(app, ["import-plan", *map(str, args)])


def test_it_writes_the_draft_and_a_vietnamese_summary(app, files):
    result = run(app, files / "plan.txt", "--agencies", files / "config", "--out", files / "draft.yaml")
    assert result.exit_code == 0, result.stderr
    draft = yaml.safe_load((files / "draft.yaml").read_text(encoding="utf-8"))
    task = draft["plans"][0]["tasks"][0]
    assert (task["lead"], task["timeframe"], task["source"]) == ("cc-van-hoa", "Tháng 5/2024", "plan.txt:11")
    assert "Nhiệm vụ tìm thấy: 1" in result.stderr and "Cơ quan đề xuất mới: 1" in result.stderr


def test_an_unknown_agency_is_proposed_and_flagged_never_invented_silently(app, files):
    result = run(app, files / "plan.txt", "--agencies", files / "config")
    draft = yaml.safe_load(result.stdout)
    proposed = draft["proposed_agencies"][0]
    assert (proposed["id"], proposed["name"]) == ("so-ke-hoach-va-dau-tu-thanh-linh", "Sở Kế hoạch và Đầu tư")
    task = draft["plans"][0]["tasks"][0]
    assert task["support"] == [proposed["id"]]
    assert any(r["field"] == "support" and proposed["id"] in r["reason"] for r in task["review"])


def test_it_exits_2_with_the_file_and_line_on_broken_input(app, files):
    (files / "old.txt").write_bytes("KẾ HOẠCH\n".encode() + b"Tuy\xean truy\xean")
    result = run(app, files / "old.txt", "--agencies", files / "config")
    assert result.exit_code == 2
    assert f"{files / 'old.txt'}:2:" in result.stderr and "UTF-8" in result.stderr and result.stdout == ""


def test_it_refuses_to_overwrite_a_draft_without_force(app, files):
    (files / "draft.yaml").write_text("# reviewed by hand\n")
    result = run(app, files / "plan.txt", "--agencies", files / "config", "--out", files / "draft.yaml")
    assert result.exit_code == 2 and "--force" in result.stderr
    assert (files / "draft.yaml").read_text() == "# reviewed by hand\n"
    assert run(app, files / "plan.txt", "--agencies", files / "config", "--out", files / "draft.yaml", "--force").exit_code == 0


def test_a_broken_registry_file_is_reported_with_its_name(app, files):
    (files / "config" / "bad.yaml").write_text("agencies: [\n")
    result = run(app, files / "plan.txt", "--agencies", files / "config")
    assert result.exit_code == 2 and "bad.yaml" in result.stderr


def test_without_a_registry_it_warns_and_proposes_every_agency(app, files):
    result = run(app, files / "plan.txt", "--agencies", files / "nowhere")
    assert result.exit_code == 0 and "không thấy danh mục cơ quan" in result.stderr
    assert len(yaml.safe_load(result.stdout)["proposed_agencies"]) == 2
