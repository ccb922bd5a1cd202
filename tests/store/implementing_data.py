"""Deterministic data for implementing plans: the province of Bình An with a
department, two communes directly under it (since July 2025), a commune merged
away (inactive) and, from the years with districts, a district with a commune
under it."""
from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from pathlib import Path

from dondoc.config.reader import read_config
from dondoc.engine.calendar import CalendarDecisions, WorkCalendar
from dondoc.store import implementing
from dondoc.store.db import session_scope
from dondoc.store.loader import apply_config
from tests.factories import POLICIES

CAL = WorkCalendar(CalendarDecisions())
LOADED = datetime(2025, 10, 6, 1, 0, tzinfo=UTC)

AGENCIES = textwrap.dedent("""\
    agencies:
      - {id: ubnd-tinh-binh-an, name: UBND tỉnh Bình An, level: province, email: vanthu@binhan.example.vn}
      - {id: so-ldtbxh-binh-an, name: Sở Lao động - Thương binh và Xã hội, level: department,
         parent: ubnd-tinh-binh-an, email: sldtbxh@binhan.example.vn}
      - {id: ubnd-xa-an-hoa, name: UBND xã An Hòa, level: commune, parent: ubnd-tinh-binh-an,
         email: ubnd@anhoa.example.vn}
      - {id: ubnd-xa-my-loc, name: UBND xã Mỹ Lộc, level: commune, parent: ubnd-tinh-binh-an,
         email: ubnd@myloc.example.vn}
      - {id: ubnd-xa-an-hoa-cu, name: UBND xã An Hòa (cũ), level: commune, parent: ubnd-tinh-binh-an,
         email: cu@anhoa.example.vn, active: false}
      - {id: cong-chuc-an-hoa, name: Công chức văn hóa - xã hội xã An Hòa, level: unit, parent: ubnd-xa-an-hoa,
         email: vhxh@anhoa.example.vn}
      - {id: ubnd-huyen-dong, name: UBND huyện Đông, level: district, parent: ubnd-tinh-binh-an,
         email: ubnd@dong.example.vn}
      - {id: ubnd-xa-tan-lap, name: UBND xã Tân Lập, level: commune, parent: ubnd-huyen-dong,
         email: ubnd@tanlap.example.vn}
    """)

PROVINCE = textwrap.dedent("""\
    plans:
      - id: tinh-2025
        number: "192/KH-UBND"
        title: Thực hiện công tác trẻ em năm 2025
        issued_by: ubnd-tinh-binh-an
        issued_on: 2025-10-01
        focal: so-ldtbxh-binh-an
        implementing_plans: {by: ["children of ubnd-tinh-binh-an"], level: commune, due: "trước ngày 31/12/2025"}
        tasks:
          - {number: "1", title: Hướng dẫn các địa phương, lead: so-ldtbxh-binh-an, due: 2025-11-30}
    """)


def commune_plan(agency: str, *, issued_on: str = "2025-12-10", implements: str = "tinh-2025",
                 plan_id: str | None = None, due: str = "2026-01-31") -> str:
    return textwrap.dedent(f"""\
        plans:
          - id: {plan_id or agency + '-2025'}
            number: "15/KH-UBND"
            title: Thực hiện công tác trẻ em trên địa bàn xã
            issued_by: {agency}
            issued_on: {issued_on}
            focal: {agency}
            implements: {implements}
            tasks:
              - {{number: "1", title: Tổ chức Tháng hành động vì trẻ em, lead: {agency}, due: {due}}}
        """)


def write(folder: Path, **files: str) -> Path:
    """`folder` with agencies.yaml, policies.yaml and the given files."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in {"agencies": AGENCIES, "policies": POLICIES, **files}.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


def load(engine, folder: Path, now: datetime = LOADED) -> dict[str, int]:
    """As `dondoc load` does: checked against the database, then applied."""
    with session_scope(engine, write=False) as s:
        known = implementing.known_tree(s)
    config = read_config([folder], known_agencies=frozenset(known.agencies), known_policies=frozenset({"default"}),
                         known_tree=known)
    with session_scope(engine) as s:
        return apply_config(s, config, now=now, calendar=CAL).counts
