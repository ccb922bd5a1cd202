"""Shared by the conversation tests: an app whose files land in tmp_path and
whose clock a test may move, real evidence files, and a plan with indicators."""
from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from dondoc.config.reader import read_config
from dondoc.engine.calendar import CalendarDecisions, WorkCalendar
from dondoc.notifications.tokens import make_token
from dondoc.settings import Settings
from dondoc.store.db import session_scope
from dondoc.store.loader import apply_config
from tests.conftest import CONFIG
from tests.web.conftest import LOADED_AT, NOW, SECRET

FINANCE = "cong-chuc-tai-chinh-thanh-linh"
FOCAL = "cong-chuc-chinh-sach-thanh-linh"
HEALTH = "tram-y-te-thanh-linh"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
INDICATOR_PLAN = """\
plans:
  - id: thanh-linh-chi-tieu
    number: "01/KH-TEST"
    title: Kế hoạch thử có chỉ tiêu
    issued_by: ubnd-xa-thanh-linh
    issued_on: 2023-05-15
    focal: cong-chuc-chinh-sach-thanh-linh
    escalation: commune
    extensions_by: issuer
    period: {from: 2023-01-01, to: 2023-12-31}
    indicators:
      - {number: 1, name: Tỷ lệ trẻ em dưới 6 tuổi được cấp thẻ BHYT, unit: "%", target: 100}
      - {number: 2, name: Số vụ xâm hại trẻ em, unit: vụ, target: 0, higher_is_better: false,
         agencies: [tram-y-te-thanh-linh]}
    tasks:
      - number: "1"
        title: Cấp thẻ bảo hiểm y tế cho trẻ em
        lead: cong-chuc-tai-chinh-thanh-linh
        timeframe: Tháng 12 năm 2023
        indicators: [1]
"""


class Clock:
    """A clock a test moves by hand."""

    def __init__(self, now: datetime = NOW):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def conversation_settings(db_url: str, files: Path, base_url: str = "http://testserver", **extra) -> Settings:
    return Settings(database_url=db_url, secret_key=SECRET, base_url=base_url, files_dir=files, **extra)


def agency_bearer(agency: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token(agency, secret=SECRET)}"}


def xlsx_bytes() -> bytes:
    wb = Workbook()
    wb.active.append(["Chỉ tiêu", "Giá trị"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def zip_without_content_types() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def load_indicator_plan(engine, tmp_path: Path) -> None:
    extra = tmp_path / "plan-chi-tieu.yaml"
    extra.write_text(INDICATOR_PLAN, encoding="utf-8")
    with session_scope(engine) as s:
        apply_config(s, read_config([CONFIG, extra]), now=LOADED_AT, calendar=WorkCalendar(CalendarDecisions()))
