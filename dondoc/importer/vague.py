"""Timeframes that give no date of their own (pure): never scheduled, always flagged.

"Theo kế hoạch công tác hằng năm", "Theo Kế hoạch riêng", "Theo tiến độ được giao của Luật ...", "Sau khi
Nghị định ... được ban hành", "Sau khi có Quy chế của TW", "Khi có phát sinh", "Triển khai đảm bảo theo lộ
trình, hướng dẫn của Bộ, ngành", "Theo chỉ đạo của cấp trên": the date depends on another document or an
event, so a coordinator must give one. Checked before the engine parses the phrase, so a parser that learns
to read more can never turn one of these into a silent deadline.
"""
from __future__ import annotations

import re

from dondoc.importer.vn import fold

_VAGUE = re.compile(
    r"^(?:theo|can cu)\s+(?:ke hoach|tien do|lo trinh|chi dao|huong dan|yeu cau|quy dinh|thuc te|tinh hinh|nhu cau)"
    r"|^sau khi\b|^khi\s+(?:co|phat sinh|duoc|can)\b|\bkhi co phat sinh\b|\blo trinh\b|^dot xuat$"
    r"|^tuy (?:theo|tinh hinh)|^phu thuoc\b|^chua xac dinh|duoc ban hanh\b"
    r"|\bhang ngay\b.*\bhang tu[aâầ]")


def is_vague(timeframe: str | None) -> bool:
    return bool(timeframe) and bool(_VAGUE.search(fold(timeframe or "").strip()))


def reason(timeframe: str) -> str:
    return (f"Thời hạn “{timeframe}” không cho ngày cụ thể (phụ thuộc kế hoạch, văn bản hay sự việc khác): chưa lập "
            "lịch nhắc; hãy ghi thời hạn cụ thể / a vague or conditional timeframe: no schedule until one is given")
