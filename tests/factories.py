"""Deterministic test data: a small commune with named personas."""
from __future__ import annotations

import textwrap
from pathlib import Path

AGENCIES = textwrap.dedent("""\
    agencies:
      - id: ubnd-huyen-an-phu
        name: UBND huyện An Phú
        level: district
        email: vanthu@anphu.example.vn
        head_email: chutich@anphu.example.vn
      - id: ubnd-xa-an-binh
        name: UBND xã An Bình
        level: commune
        parent: ubnd-huyen-an-phu
        email: ubnd@anbinh.example.vn
        head_email: chutich@anbinh.example.vn
      - id: cong-chuc-chinh-sach-an-binh
        name: Công chức chính sách xã An Bình
        level: unit
        parent: ubnd-xa-an-binh
        email: chinhsach@anbinh.example.vn
      - id: tram-y-te-an-binh
        name: Trạm y tế xã An Bình
        level: unit
        parent: ubnd-xa-an-binh
        email: tramyte@anbinh.example.vn
      - id: truong-hoc-an-binh
        name: Trường Tiểu học An Bình
        level: unit
        parent: ubnd-xa-an-binh
        email: truong@anbinh.example.vn
        language: en
    """)

POLICIES = textwrap.dedent("""\
    escalation_policies:
      - id: default
        steps:
          - {at: -5 working days, notify: [lead], template: due_soon}
          - {at: +1 day, notify: [lead], cc: [focal], template: overdue, level: 1}
          - {at: +5 working days, notify: [lead, lead.parent], cc: [focal], template: escalated, level: 2}
          - {at: +10 working days, notify: [issuer], cc: [focal, lead], template: escalated, level: 3}
        repeat_every: 7 days
    """)

PLAN = textwrap.dedent("""\
    plans:
      - id: an-binh-2023
        number: "12/KH-UBND"
        title: Kế hoạch công tác trẻ em xã An Bình năm 2023
        issued_by: ubnd-xa-an-binh
        issued_on: 2023-02-01
        focal: cong-chuc-chinh-sach-an-binh
        escalation: default
        reporting:
          - {name: Báo cáo 6 tháng, due: "10/05", from: leads, to: focal}
        tasks:
          - number: "1.1"
            title: Tổ chức Tháng hành động vì trẻ em
            lead: cong-chuc-chinh-sach-an-binh
            support: [tram-y-te-an-binh]
            timeframe: Tháng 6 năm 2023
          - number: "2.1"
            title: Khám sức khỏe cho trẻ em dưới 6 tuổi
            lead: tram-y-te-an-binh
            timeframe: Quý II/2023
          - number: "2.2"
            title: Tập huấn kỹ năng phòng chống đuối nước
            lead: truong-hoc-an-binh
            timeframe: Tháng 4-5/2023
          - number: "3.1"
            title: Giải quyết vụ việc xâm hại trẻ em
            lead: cong-chuc-chinh-sach-an-binh
            timeframe: Theo các vụ việc, vấn đề
    """)


def write_config(folder: Path, *, agencies: str = AGENCIES, policies: str = POLICIES, plan: str = PLAN) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "agencies.yaml").write_text(agencies, encoding="utf-8")
    (folder / "policies.yaml").write_text(policies, encoding="utf-8")
    (folder / "plan.yaml").write_text(plan, encoding="utf-8")
    return folder
