"""'Chế độ báo cáo' -> reporting items with their dates, the recipient and the onward report (pure).

    Định kỳ 6 tháng (vào ngày 10 tháng 5), 1 năm (vào ngày 10 tháng 11) báo cáo ...
    về Sở Lao động – Thương binh và Xã hội để tổng hợp báo cáo Bộ ..., UBND tỉnh

gives a half-year report due "10/05" and a yearly one due "10/11", sent to Sở
LĐTBXH, which compiles for the ministry and the province (a note: that report
has no date of its own). A period named without a date gives an item with no
due date, which the draft flags.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from dondoc.importer.agencies import Registry
from dondoc.importer.names import NameRef, resolve
from dondoc.importer.structure import Node, Para, walk
from dondoc.importer.vn import fold

_HEADING = re.compile(r"^(?:che do (?:thong tin )?bao cao|bao cao dinh ky)")
_DATE = re.compile(r"ngay\s+(\d{1,2})\s*(?:thang\s+|/\s*|-\s*)(\d{1,2})\b")
_PERIODS = (
    ("half_year", re.compile(r"\b(?:6|sau) thang\b")),
    ("nine_months", re.compile(r"\b9 thang\b")),
    ("quarter", re.compile(r"\bquy\b")),
    ("month", re.compile(r"\b(?:hang|hằng|moi) thang\b")),
    ("year", re.compile(r"\b(?:1|mot|ca|hang|moi|bao cao)\s+nam\b|\bnam\s*\(")),
)
NAMES = {"half_year": "Báo cáo 6 tháng", "nine_months": "Báo cáo 9 tháng", "quarter": "Báo cáo quý",
         "month": "Báo cáo tháng", "year": "Báo cáo năm"}
_TO = re.compile(r"(?:\bve|\bgui)\s+(?P<to>.+?)(?=\s+de\s|\s*[()]|[.;]|$)")
_ONWARD = re.compile(r"de tong hop,?\s*(?:tham muu\s+(?P<via>.+?)\s+)?bao cao\s+(?P<to>.+?)(?=\s+theo quy dinh|[.;(]|$)")


@dataclass(frozen=True)
class ReportItem:
    name: str
    every: str                      # half_year | nine_months | quarter | month | year
    due: str | None                 # "10/05"
    line: int


@dataclass(frozen=True)
class Regime:
    items: tuple[ReportItem, ...]
    recipient: NameRef | None       # who the reports go to
    onward: str | None              # who the recipient reports to, as written
    line: int


def _period(window: str) -> str | None:
    found = [(m.start(), every) for every, pattern in _PERIODS for m in pattern.finditer(window)]
    return max(found)[1] if found else None


def _items(para: Para) -> list[ReportItem]:
    folded, out, start = fold(para.text), [], 0
    for m in _DATE.finditer(folded):
        every = _period(folded[start:m.start()])
        if every:
            out.append(ReportItem(NAMES[every], every, f"{int(m.group(1)):02d}/{int(m.group(2)):02d}", para.line))
        start = m.end()
    if not out:
        for every, pattern in _PERIODS:
            if pattern.search(folded) and "dinh ky" in folded:
                out.append(ReportItem(NAMES[every], every, None, para.line))
    return out


def _recipient(para: Para, registry: Registry, home: str) -> NameRef | None:
    folded = fold(para.text)
    for m in _TO.finditer(folded):
        refs = resolve(para.text[m.start("to"):m.end("to")], registry, home=home)
        if refs and refs[0].kind in ("agency", "ambiguous", "new"):
            return refs[0]
    return None


def _onward(para: Para) -> str | None:
    m = _ONWARD.search(fold(para.text))
    return para.text[m.start("to"):m.end("to")].strip() if m else None


def find_regime_node(root: Node) -> Node | None:
    return next((n for n in walk(root)[1:] if _HEADING.match(fold(n.title))), None)


def read_regime(node: Node, registry: Registry, *, home: str = "") -> Regime:
    """The regime under a 'Chế độ báo cáo' heading (its own text and its body)."""
    rest = node.title.split(":", 1)[1].strip() if ":" in node.title else ""
    paras = ([Para(node.line, rest)] if rest else []) + node.body
    items: list[ReportItem] = []
    recipient, onward = None, None
    for para in paras:
        items.extend(i for i in _items(para) if (i.every, i.due) not in {(x.every, x.due) for x in items})
        recipient = recipient or _recipient(para, registry, home)
        onward = onward or _onward(para)
    return Regime(tuple(items), recipient, onward, node.line)
