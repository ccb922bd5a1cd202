"""The compiled report (báo cáo) and its annex agree, number for number, with
the dashboard and `dondoc report overdue` for the same plan and date."""
from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime

import docx
import openpyxl
import pytest
from sqlmodel import select
from typer.testing import CliRunner

from dondoc.cli.main import app, register
from dondoc.documents.compiled_docx import ORDER, compiled_docx
from dondoc.documents.compiled_xlsx import compiled_xlsx
from dondoc.engine.lifecycle import CATEGORY_VI, Category
from dondoc.store.compiled import CompileError, compile_plan
from dondoc.store.conversation import extend
from dondoc.store.db import session_scope
from dondoc.store.extended import extended_counts
from dondoc.store.models import Occurrence, Task
from dondoc.store.status import Actor, set_status
from dondoc.web.dashboard_data import Filters, agency_rows
from dondoc.web.scope import EVERYTHING
from tests.store.test_reports import CAL, COMMUNE, load_examples

AS_OF = date(2023, 7, 15)
FOCAL = "cong-chuc-chinh-sach-thanh-linh"


def _at(day: int, month: int) -> datetime:
    return datetime(2023, month, day, 2, 0, tzinfo=UTC)


def _occ(s, number: str) -> Occurrence:
    return s.exec(select(Occurrence).join(Task).where(Task.plan_id == COMMUNE, Task.number == number)).first()


def _act(s, number: str, target: str, when: datetime, *, by: str | None = None, note: str = "") -> None:
    occ = _occ(s, number)
    set_status(s, occ, target, actor=Actor("agency", by or occ.owner_id), calendar=CAL, now=when, note=note)


@pytest.fixture
def worked(engine):
    """The commune plan on 15/7/2023: one task done on time with its result, one done late, one waived,
    one reported and waiting, the rest untouched."""
    load_examples(engine)
    with session_scope(engine) as s:
        _act(s, "1.1", "reported", _at(28, 6), note="Đã tổ chức Tháng hành động vì trẻ em tại 12 thôn")
        _act(s, "1.1", "done", _at(3, 7), by=FOCAL)
        _act(s, "3.2.1", "reported", _at(10, 4), note="Đã bố trí 50 triệu đồng")
        _act(s, "3.2.1", "done", _at(12, 4), by=FOCAL)
        _act(s, "3.3.4", "waived", _at(1, 7), by=FOCAL, note="Gộp vào báo cáo năm")
        _act(s, "2.5.4", "reported", _at(12, 7), note="Đang tổng hợp")
        extended = _occ(s, "3.3.1")  # Tháng 4/2023: extended to 31/5, then done on 20/5, on time only so
        extend(s, extended, date(2023, 5, 31), actor=Actor("user", "hoa"), now=_at(25, 4), note="Chờ số liệu thôn",
               calendar=CAL)
        _act(s, "3.3.1", "reported", _at(20, 5), note="Đã rà soát 12 thôn")
        _act(s, "3.3.1", "done", _at(22, 5), by=FOCAL)
    return engine


def _compiled(engine, **kw):
    with session_scope(engine, write=False) as s:
        return compile_plan(s, plan_id=COMMUNE, as_of=AS_OF, **kw)


def test_the_counts_per_agency_are_the_dashboards(worked):
    c = _compiled(worked)
    with session_scope(worked, write=False) as s:
        dashboard = {r.agency_id: r.counts for r in agency_rows(s, Filters(as_of=AS_OF, plan=COMMUNE), EVERYTHING)}
    assert {a.agency_id: a.counts for a in c.agencies} == dashboard
    assert c.totals[Category.DONE_ON_TIME] == 2 and c.totals[Category.DONE_LATE] == 1
    with session_scope(worked, write=False) as s:
        waived = s.exec(select(Occurrence).where(Occurrence.plan_id == COMMUNE,
                                                 Occurrence.status.in_(("waived", "cancelled")))).all()
    assert sum(a.excluded for a in c.agencies) == len(waived) and "3.3.4" in {r.task for r in c.rows if r.status == "waived"}
    with session_scope(worked, write=False) as s:
        moved = extended_counts(s, as_of=AS_OF, plan_id=COMMUNE)
    assert (sum(a.extended for a in c.agencies), sum(a.on_time_after_extension for a in c.agencies)) == (
        moved.extended, moved.done_on_time_extended) == (1, 1)


def test_the_late_items_are_those_of_report_overdue(worked, db_url):
    register()
    result = CliRunner().invoke(app, ["report", "overdue", "--as-of", AS_OF.isoformat(), "--plan", COMMUNE,
                                      "--format", "json"], env={"DONDOC_DATABASE_URL": db_url})
    assert result.exit_code == 0, result.output
    cli = [(r["task"], r["lead"], r["days_overdue"]) for r in json.loads(result.stdout)]
    assert [(i.task, i.lead, i.days_overdue) for i in _compiled(worked).late] == cli and cli


def test_the_docx_is_an_administrative_report_whose_numbers_are_the_dashboards(worked):
    c = _compiled(worked)
    document = docx.Document(io.BytesIO(compiled_docx(c, parent="UBND huyện Thanh Chương")))
    text = "\n".join(p.text for p in document.paragraphs)
    head = [cell.text for cell in document.tables[0].rows[0].cells]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in head[1] and "Độc lập - Tự do - Hạnh phúc" in head[1]
    assert "Số: ……/BC-" in head[0] and c.focal.upper() in head[0]
    assert "BÁO CÁO" in text and "Kế hoạch số" in text and "KIẾN NGHỊ, ĐỀ XUẤT" in text
    assert "Đã tổ chức Tháng hành động vì trẻ em tại 12 thôn" in text  # the agency's own report text
    standings = document.tables[1]
    assert [cell.text for cell in standings.rows[0].cells][3:8] == [CATEGORY_VI[k] for k in ORDER]
    total_row = [cell.text for cell in standings.rows[-1].cells]
    assert total_row[1] == "Tổng cộng" and [int(v) for v in total_row[3:8]] == [c.totals[k] for k in ORDER]
    assert [int(v) for v in total_row[8:10]] == [1, 1]  # on time after an extension, extended
    late = next(t for t in document.tables if "Số ngày quá hạn" in [cell.text for cell in t.rows[0].cells])
    assert len(late.rows) - 1 == len(c.late)
    assert "Nơi nhận:" in document.tables[-1].rows[0].cells[0].text


def test_the_xlsx_annex_has_one_row_per_task_and_period_with_the_same_counts(worked):
    c = _compiled(worked)
    wb = openpyxl.load_workbook(io.BytesIO(compiled_xlsx(c)))
    annex = list(wb["Phụ lục"].iter_rows(min_row=2, values_only=True))
    assert len(annex) == len(c.rows)
    by_task = {(r[1], r[5]): r for r in annex}
    done = next(r for (task, _), r in by_task.items() if task == "1.1")
    assert done[8] == "Hoàn thành đúng hạn" and done[10].startswith("Đã tổ chức")
    late_rows = [r for r in annex if r[8] == CATEGORY_VI[Category.IN_PROGRESS_OVERDUE]]
    assert len(late_rows) == len(c.late) == c.totals[Category.IN_PROGRESS_OVERDUE]
    assert all(r[9] > 0 for r in late_rows)
    assert {r[8] for r in annex if r[1] == "2.5.4"} == {CATEGORY_VI[Category.AWAITING_CONFIRMATION]}
    totals = list(wb["Theo cơ quan"].iter_rows(values_only=True))[-1]
    assert list(totals[3:8]) == [c.totals[k] for k in ORDER] and list(totals[8:10]) == [1, 1]


def test_a_period_filter_keeps_only_that_period_and_an_unknown_one_is_refused(worked):
    c = _compiled(worked, period="2023")
    assert c.rows and all(r.period == "2023" for r in c.rows)
    with pytest.raises(CompileError, match="không có kỳ"):
        _compiled(worked, period="1999")


def test_the_cli_writes_both_files_and_refuses_an_unknown_plan_in_one_line(worked, db_url, tmp_path):
    register()
    env = {"DONDOC_DATABASE_URL": db_url}
    for fmt in ("docx", "xlsx"):
        out = tmp_path / f"bc.{fmt}"
        done = CliRunner().invoke(app, ["report", "compile", "--plan", COMMUNE, "--as-of", AS_OF.isoformat(),
                                        "--format", fmt, "--out", str(out)], env=env)
        assert done.exit_code == 0, done.output
        assert out.stat().st_size > 4000
    bad = CliRunner().invoke(app, ["report", "compile", "--plan", "nope", "--out", str(tmp_path / "x.docx")], env=env)
    assert bad.exit_code == 2 and "nope" in bad.output and "Traceback" not in bad.output
