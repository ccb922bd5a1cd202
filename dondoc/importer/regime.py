"""The reporting regime, in whatever form the plan writes it (pure).

    V. CHẾ ĐỘ BÁO CÁO / Chế độ thông tin, báo cáo      (a heading: everything under it is read)
    Định kỳ hàng tháng (trước ngày 16 hàng tháng), 6 tháng (trước ngày 16/6), tổng kết năm (trước ngày 20/11
    hàng năm) ... gửi Sở Công Thương tổng hợp
    - Báo cáo kết quả ... trước ngày 15/11 hằng năm về Sở Khoa học và Công nghệ
    ... báo cáo 02 lần/ngày (trước 9h00’ và 16h00’) gửi UBND tỉnh (qua Sở Công Thương)
    ... gửi báo cáo ... về Sở Nội vụ trước ngày 16 tháng 12 năm 2025            (once, in the regime section)

Without such a heading, every sentence of the plan that says "báo cáo" together with a period ("định kỳ hằng
năm", "hằng quý", "6 tháng", "hằng ngày", "lần/ngày") is read. A sentence is cut into period words and dates,
in order: a date belongs to the period written right after it ("trước ngày 15/11 hằng năm"), else to the last
period before it ("Định kỳ hằng năm (trước ngày 15 tháng 12)"); a period with no date gives an item without a
due date, which the draft flags. Each item: every (day | week | month | quarter | "6 months" | year | once),
due "dd/mm" (or "dd/mm/yyyy" for once), day (of the month), time ("16:00" for daily reports).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from dondoc.importer.agencies import Registry
from dondoc.importer.names import NameRef, resolve
from dondoc.importer.structure import Node, Para, walk
from dondoc.importer.vn import fold

_HEADING = re.compile(r"^(?:che do (?:thong tin,? )?bao cao|bao cao dinh ky|thong tin,? bao cao)")
_EVERY = (
    ("day", r"(?:hang|hằng|moi) ngay|\d+ lan\s*/\s*ngay|lan\s*/\s*ngay"),
    ("week", r"(?:hang|moi) tuan"),
    ("month", r"(?:hang|moi) thang|dinh ky thang"),
    ("quarter", r"(?:hang|moi) quy|dinh ky quy|bao cao quy\b"),
    ("6 months", r"\b0?6 thang|\bsau thang|nua nam"),
    ("year", r"(?:hang|moi|ca|tong ket|01|1|mot) nam\b|bao cao nam\b|dinh ky nam\b"),
)
_GROUP = {"day": "day", "week": "week", "month": "month", "quarter": "quarter", "6 months": "half", "year": "year"}
_PERIOD = re.compile("|".join(f"(?P<{_GROUP[k]}>{p})" for k, p in _EVERY))
_MONTH_DAY = re.compile(r"ngay\s+(?P<d>\d{1,2})\s+(?:hang|hằng|moi|cua)\s+thang")
_DATE = re.compile(r"ngay\s+(?P<d>\d{1,2})\s*(?:thang\s+|/\s*|-\s*)(?P<m>\d{1,2})\b"
                   r"(?:\s*(?:nam\s+|/\s*|-\s*)(?P<y>20\d\d))?")
_TIME = re.compile(r"\b(?P<h>[0-2]?\d)\s*(?:h|gio)\s*(?P<mm>[0-5]\d)?(?!\w)")
RECURS = _RECURS = re.compile(r"dinh ky|dinh k\S|(?:hang|hằng|moi) (?:ngay|tuan|thang|quy|nam)|lan\s*/\s*ngay")
NAMES = {"day": "Báo cáo ngày", "week": "Báo cáo tuần", "month": "Báo cáo tháng", "quarter": "Báo cáo quý",
         "6 months": "Báo cáo 6 tháng", "year": "Báo cáo năm", "once": "Báo cáo"}
_TO = re.compile(r"(?:\bve|\bgui|\bbao cao)\s+(?P<to>.+?)(?=\s+(?:de|truoc|cham nhat|ve|dinh ky|ket qua|tinh hinh)\s|"
                 r"\s*[()]|[.;,]|$)")
_VIA = re.compile(r"\((?:qua|thong qua)\s+(?P<to>[^()]+)\)|thong qua\s+(?P<to2>.+?)(?=\s+(?:truoc|de)\s|[.;,]|$)")
_ONWARD = re.compile(r"de tong hop,?\s*(?:tham muu\s+(?P<via>.+?)\s+)?bao cao\s+(?P<to>.+?)(?=\s+theo quy dinh|[.;(]|$)")


@dataclass(frozen=True)
class ReportItem:
    name: str
    every: str
    due: str | None                 # "10/05", "16/12/2025" (once)
    line: int
    day: int | None = None
    time: str | None = None

    @property
    def key(self) -> tuple[str, str | None, int | None, str | None]:
        return self.every, self.due, self.day, self.time


@dataclass(frozen=True)
class Regime:
    items: tuple[ReportItem, ...]
    recipient: NameRef | None       # who the reports go to
    onward: str | None              # who the recipient reports to, as written
    line: int


def _sentences(text: str) -> Iterable[tuple[int, int]]:
    """(start, end) of each sentence: cut at ". " and ";" outside parentheses."""
    depth, start = 0, 0
    for i, c in enumerate(text):
        depth += (c == "(") - (c == ")")
        if depth <= 0 and (c == ";" or (c == "." and (i + 1 == len(text) or text[i + 1] == " "))):
            yield start, i
            start, depth = i + 1, 0
    yield start, len(text)


def _events(folded: str) -> list[tuple[int, str, object]]:
    """Period words, month days, dates and clock times of one sentence, in order."""
    out: list[tuple[int, str, object]] = []
    for m in _PERIOD.finditer(folded):
        out.append((m.start(), "period", next(k for k, _ in _EVERY if m.group(_GROUP[k]))))
    for m in _MONTH_DAY.finditer(folded):
        out.append((m.start(), "month-day", int(m["d"])))
    taken = {e[0] for e in out if e[1] == "month-day"}
    for m in _DATE.finditer(folded):
        if m.start() not in taken and 1 <= int(m["m"]) <= 12 and 1 <= int(m["d"]) <= 31:
            due = f"{int(m['d']):02d}/{int(m['m']):02d}" + (f"/{m['y']}" if m["y"] else "")
            out.append((m.start(), "date", (due, m.end())))
    for m in _TIME.finditer(folded):
        if int(m["h"]) <= 23 and "truoc" in folded[max(0, m.start() - 12):m.start()] + folded[max(0, m.start() - 30):m.start()]:
            out.append((m.start(), "time", f"{int(m['h']):02d}:{m['mm'] or '00'}"))
    return sorted(out, key=lambda e: e[0])


def _items(folded: str, line: int, *, once_ok: bool) -> list[ReportItem]:
    events, items, pending = _events(folded), [], []
    for i, (_, kind, value) in enumerate(events):
        if kind == "period":
            pending.append(str(value))
        elif kind == "month-day":
            items.append(ReportItem(NAMES["month"], "month", None, line, day=int(value)))
            pending = [p for p in pending if p != "month"]
        elif kind == "time":
            items.append(ReportItem(NAMES["day"], "day", None, line, time=str(value)))
            pending = [p for p in pending if p != "day"]
        else:
            due, end = value
            after = next((e for e in events[i + 1:] if e[1] == "period" and not folded[end:e[0]].strip()), None)
            every = after[2] if after else (pending[-1] if pending else None)
            if after:
                events.remove(after)
            if every is None and once_ok and len(due) > 5:
                every = "once"
            if every is None or (every != "once" and len(due) > 5):
                continue
            items.append(ReportItem(NAMES[str(every)], str(every), due if every not in ("month", "day") else None, line))
            pending = [p for p in pending if p != every]
    dated = {i.every for i in items}
    items += [ReportItem(NAMES[p], p, None, line) for p in dict.fromkeys(pending) if p not in dated]
    return items


def _report_sentences(para: Para, *, in_section: bool) -> Iterable[tuple[str, str]]:
    """(text, folded) of the sentences that state a report."""
    folded = fold(para.text)
    for start, end in _sentences(folded):
        piece = folded[start:end]
        if "bao cao" in piece and (in_section or _RECURS.search(piece)):
            yield para.text[start:end], piece


_ISSUER_LIKE = re.compile(r"^(?:uy ban nhan dan|ubnd|thu tuong|chinh phu|tinh uy|thanh uy|hoi dong nhan dan)\b")


def _recipient(text: str, registry: Registry, home: str) -> NameRef | None:
    """Who the reports go to: the body named after "qua" (through), else after "về"/"gửi"; the issuing
    People's Committee itself is not the focal agency, so it is passed over."""
    folded, national = fold(text), None
    for pattern in (_VIA, _TO):
        for m in pattern.finditer(folded):
            group = "to2" if pattern is _VIA and m["to2"] else "to"
            refs = resolve(text[m.start(group):m.end(group)], registry, home=home)
            if refs and refs[0].kind in ("agency", "ambiguous", "new") and not _ISSUER_LIKE.match(fold(refs[0].text)):
                if not fold(refs[0].text).startswith("bo "):
                    return refs[0]
                national = national or refs[0]      # a ministry is where the focal reports, not the focal
    return national


def _onward(text: str) -> str | None:
    m = _ONWARD.search(fold(text))
    return text[m.start("to"):m.end("to")].strip() if m else None


def find_regime_node(root: Node) -> Node | None:
    return next((n for n in walk(root)[1:] if n.kind != "bullet" and _HEADING.match(fold(n.title))
                 and len(n.title.partition(":")[0]) < 80), None)


def _node_paras(node: Node) -> list[Para]:
    out = []
    for sub in walk(node):
        rest = sub.title.split(":", 1)[1].strip() if sub is node and ":" in sub.title else sub.title
        out += ([Para(sub.line, rest)] if rest and (sub is not node or ":" in sub.title) else []) + sub.body
    return out


def read_regime(node: Node | None, registry: Registry, *, home: str = "", everything: list[Para] = ()) -> Regime | None:
    """The regime under a 'Chế độ báo cáo' heading, else the report sentences of the whole plan."""
    paras = _node_paras(node) if node is not None else [p for p in everything if not p.text.startswith("|")]
    items: list[ReportItem] = []
    recipient, onward, first = None, None, 0
    for para in paras:
        for text, folded in _report_sentences(para, in_section=node is not None):
            found = [i for i in _items(folded, para.line, once_ok=node is not None) if i.key not in {x.key for x in items}]
            items += found
            if found or node is not None:
                first = first or para.line
                found_to = _recipient(text, registry, home)
                if recipient is None or (fold(recipient.text).startswith("bo ") and found_to is not None
                                         and not fold(found_to.text).startswith("bo ")):
                    recipient = found_to or recipient
                onward = onward or _onward(text)
    if node is None and not items:
        return None
    return Regime(tuple(items), recipient, onward, node.line if node is not None else first)
