"""`dondoc report compile`: the focal agency's compiled report (.docx) or its annex (.xlsx)."""
from __future__ import annotations

from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from dondoc.cli.app import fail, open_engine, out, report_app


class DocFormat(str, Enum):
    docx = "docx"
    xlsx = "xlsx"


def _day(text: str | None) -> date:
    from dondoc import clock
    from dondoc.engine.calendar import local_date

    if not text:
        return local_date(clock.now())
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"--as-of '{text}': cần dạng YYYY-MM-DD / expected YYYY-MM-DD")


@report_app.command("compile")
def compile_command(
        plan: Annotated[str, typer.Option(help="Mã kế hoạch / plan id")],
        out_file: Annotated[Path, typer.Option("--out", help="Tệp kết quả / output file")],
        fmt: Annotated[DocFormat, typer.Option("--format", help="docx (báo cáo) hoặc xlsx (phụ lục)")] = DocFormat.docx,
        period: Annotated[Optional[str], typer.Option(help="Kỳ, ví dụ 2023 hoặc 2023-H1 / period key")] = None,
        as_of: Annotated[Optional[str], typer.Option("--as-of", help="YYYY-MM-DD (mặc định: hôm nay)")] = None) -> None:
    """Soạn báo cáo tổng hợp (.docx) hoặc phụ lục (.xlsx) / draft the compiled report or its annex."""
    from dondoc.documents.compiled_docx import compiled_docx
    from dondoc.documents.compiled_xlsx import compiled_xlsx
    from dondoc.store.compiled import CompileError, compile_plan, parent_name
    from dondoc.store.db import session_scope

    day = _day(as_of)
    with session_scope(open_engine(read_only=True), write=False) as session:
        try:
            c = compile_plan(session, plan_id=plan, as_of=day, period=period)
        except CompileError as exc:
            fail(str(exc))
        data = compiled_docx(c, parent=parent_name(session, plan)) if fmt == DocFormat.docx else compiled_xlsx(c)
    try:
        out_file.write_bytes(data)
    except OSError as exc:
        fail(f"Không ghi được '{out_file}' / cannot write '{out_file}': {exc.strerror}")
    out.print(f"Đã soạn / drafted {out_file} ({len(data):,} bytes; {len(c.rows)} dòng / rows, "
              f"{len(c.late)} quá hạn / overdue)", markup=False)
