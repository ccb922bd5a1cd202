"""Sentences asking subordinate units to issue their own plan -> a proposed
`implementing_plans` entry (pure; issue 17).

    "UBND các xã, phường xây dựng kế hoạch triển khai thực hiện"
    "Căn cứ nội dung Kế hoạch này, các sở, ngành ... xây dựng kế hoạch"
    "17. Ủy ban nhân dân xã, phường" / "a) ... xây dựng kế hoạch cụ thể ..."

The units are groups ("các xã, phường"), read off the sentence before its
verb or off the agency heading above it; each group becomes "children of
<issuer>" with the level it names, or, for a list of named units ("Ủy ban
nhân dân các xã: Gia Thuận, Tân Điền"), the ids `resolve` finds for them.
Every proposal is flagged for review with its source line; a deadline is
proposed only when the text writes one that `parse_timeframe` reads as one
date ("trong thời hạn 10 ngày kể từ ngày nhận" is left to the coordinator).
The issuer's own "UBND tỉnh ban hành Kế hoạch ... như sau", citations of
other plans and appendix rows are not proposals.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from dondoc.engine.timeframes import Deadline, TimeframeError, parse_timeframe
from dondoc.importer.text import Line, SourceText
from dondoc.importer.vn import fold

_UNIT_LEVEL = (("co quan ngang bo", "ministry"), ("dia phuong", ""), ("dac khu", "commune"), ("thi tran", "commune"),
               ("thi xa", "district"), ("xa", "commune"), ("phuong", "commune"), ("huyen", "district"),
               ("quan", "district"), ("so", "department"), ("nganh", "department"), ("ban", "board"),
               ("tinh", "province"), ("bo", "ministry"))  # several words first: "thị xã" is not a "xã"
_UNIT = r"(?:xa|phuong|dac khu|thi tran|huyen|thi xa|(?<!co )quan|thanh pho|tinh|so|ban|nganh|bo|co quan ngang bo|dia phuong|don vi)"
# A group: "các <unit>[, <unit>]..." or "UBND <unit>, <unit>" (a plural without "các"), never "UBND xã Thanh Lĩnh".
_GROUP = re.compile(rf"(?:(?:uy ban nhan dan|ubnd|thu truong|chu tich uy ban nhan dan)\s+)?"
                    rf"(?:cac\s+{_UNIT}(?:\s*(?:,|va)\s*(?:cac\s+)?{_UNIT}\b)*"
                    rf"|{_UNIT}(?:\s*(?:,|va)\s*{_UNIT}\b)+)\b")
_VERB = re.compile(r"(?:xay dung(?: va ban hanh| va trien khai)?|ban hanh|(?<!\w)co|cu the hoa bang)\s+"
                   r"(?:cac\s+)?(?:chuong trinh,\s*)?ke hoach")
_IMPLEMENTING = re.compile(r"^(?:\s*[,;.:]|\s*$|\s+(?:cu the|chi tiet|trien khai|thuc hien|hanh dong|de (?:trien khai|thuc hien)"
                           r"|va chu dong trien khai|cua (?:xa|phuong|dia phuong|don vi|nganh)))")
_NOT_SUBJECT = re.compile(r"(?:huong dan|phoi hop voi|chu tri|tham muu)\s+$")
_HEADING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[IVX]+\.)\s+\S")
_NAMED = re.compile(r"cac\s+(?:xa|phuong|huyen)\s*:\s*(.+)$")
_DUE = re.compile(r"trước ngày \d{1,2}/\d{1,2}(?:/\d{4})?|(?:quý [IVX\d]+|tháng \d{1,2})/\d{4}", re.IGNORECASE)
_RELATIVE = re.compile(r"(?:trong (?:thời hạn )?)?\d+ ngày(?: làm việc)? kể từ ngày [^,;.]+", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=\.)\s+")


@dataclass(frozen=True)
class ImplementingProposal:
    by: tuple[str, ...]            # agency ids or "children of <issuer>"; empty when nothing could be named
    level: tuple[str, ...]         # levels kept among the children ("commune", "department"...)
    due: str | None                # as written, only when it reads as one date
    groups: tuple[str, ...]        # the units as the document writes them
    sentence: str
    line: str                      # "file:line"
    reasons: tuple[str, ...]       # why a coordinator must look (Vietnamese / English); never empty

    def as_config(self) -> dict:
        """The `implementing_plans` mapping (the review comes from `reasons` and `line`)."""
        out: dict = {"by": list(self.by)}
        if self.level:
            out["level"] = list(self.level)
        out["due"] = self.due
        return out


def propose_implementing_plans(source: SourceText, *, issuer: str | None, issued_on: date,
                               resolve: Callable[[str], str | None] = lambda name: None) -> list[ImplementingProposal]:
    """Every sentence of `source` asking subordinate units to issue their plan, in document order."""
    out = []
    for i, line in enumerate(source.lines):
        if line.text.lstrip().startswith("|"):  # an appendix row is a task with its own lead
            continue
        heading = "" if _HEADING.match(line.text) else _heading(source.lines, i)  # a numbered line is its own heading
        for sentence in _SENTENCE.split(unicodedata.normalize("NFC", line.text)):
            found = _proposal(sentence, heading, source.where(line.no), issuer, issued_on, resolve)
            if found is not None:
                out.append(found)
    return out


def _heading(lines: Sequence[Line], i: int) -> str:
    """The nearest numbered heading above line i (an agency heading names the subject of its duties)."""
    for line in reversed(lines[max(0, i - 12):i]):
        if _HEADING.match(line.text) and len(line.text) < 160:
            return unicodedata.normalize("NFC", line.text)
    return ""


def _proposal(sentence: str, heading: str, where: str, issuer: str | None, issued_on: date,
              resolve: Callable[[str], str | None]) -> ImplementingProposal | None:
    folded = fold(sentence)
    verb = next((m for m in _VERB.finditer(folded) if _IMPLEMENTING.match(folded[m.end():])
                 or "ke hoach nay" in folded), None)
    if verb is None:
        return None
    subject, text = folded[:verb.start()], sentence[:verb.start()]
    groups = [text[m.start():m.end()] for m in _GROUP.finditer(subject) if not _NOT_SUBJECT.search(subject[:m.start()])]
    if not groups and not _GROUP.search(subject) and heading:
        folded_heading = fold(heading)
        groups = [heading[m.start():m.end()] for m in _GROUP.finditer(folded_heading)]
        named = _NAMED.search(folded_heading)
        if named:
            return _named(heading[named.start(1):].strip(" :."), groups, sentence, where, issued_on, resolve)
    if not groups:
        return None
    return _build(groups, sentence, where, issuer, issued_on)


_PREFIX = re.compile(r"^(?:uy ban nhan dan|ubnd|thu truong|chu tich uy ban nhan dan)\s+")


def _levels(groups: Sequence[str]) -> tuple[str, ...]:
    words = " | ".join(_PREFIX.sub("", fold(g)) for g in groups)
    found = []
    for unit, level in _UNIT_LEVEL:
        pattern = rf"\b{unit}\b"
        if re.search(pattern, words):
            words = re.sub(pattern, " ", words)
            if level and level not in found:
                found.append(level)
    return tuple(found)


def _build(groups: list[str], sentence: str, where: str, issuer: str | None, issued_on: date) -> ImplementingProposal:
    due, reasons = _due(sentence, issued_on)
    levels = _levels(groups)
    if issuer is None:
        reasons.append("chưa biết cơ quan ban hành: hãy ghi mã các cơ quan / issuer unknown: list the agency ids")
    if not levels:
        reasons.append(f"“{', '.join(groups)}” không rõ cấp: hãy chọn cấp (level) hoặc ghi mã / no level: choose one")
    reasons.append(f"đề xuất từ câu “{sentence.strip()[:160]}”: kiểm tra các cơ quan được giao / proposed from the text")
    by = (f"children of {issuer}",) if issuer else ()
    return ImplementingProposal(by, levels, due, tuple(groups), sentence.strip(), where, tuple(reasons))


def _named(names: str, groups: list[str], sentence: str, where: str, issued_on: date,
           resolve: Callable[[str], str | None]) -> ImplementingProposal:
    """"Ủy ban nhân dân các xã: Gia Thuận, Tân Điền": each named unit, resolved if it can be."""
    unit = "xã" if " xa" in fold(groups[0] if groups else "xa") else "phường"
    written = [n.strip() for n in re.split(r",|\bvà\b", names) if n.strip()]
    ids = [resolve(f"Ủy ban nhân dân {unit} {n}") for n in written]
    due, reasons = _due(sentence, issued_on)
    unknown = [n for n, found in zip(written, ids, strict=True) if found is None]
    if unknown:
        reasons.append(f"không tìm thấy mã của: {', '.join(unknown)} / no agency id found for these")
    reasons.append(f"đề xuất từ câu “{sentence.strip()[:160]}”: kiểm tra các cơ quan được giao / proposed from the text")
    return ImplementingProposal(tuple(i for i in ids if i), (), due, tuple(written), sentence.strip(), where,
                                tuple(reasons))


def _due(sentence: str, issued_on: date) -> tuple[str | None, list[str]]:
    relative = _RELATIVE.search(sentence)
    if relative:
        return None, [f"hạn “{relative.group(0)}” tính từ một ngày chưa biết: hãy ghi ngày / a relative deadline: write the date"]
    for m in _DUE.finditer(sentence):
        try:
            schedule = parse_timeframe(m.group(0), plan_year=issued_on.year, issued_on=issued_on)
        except TimeframeError:
            continue
        if len(schedule.parts) == 1 and isinstance(schedule.parts[0], Deadline):
            return m.group(0), []
    return None, ["văn bản không ghi hạn ban hành kế hoạch: hãy ghi hạn (due) / no deadline written: set one"]


def merged(proposals: Sequence[ImplementingProposal]) -> dict | None:
    """One `implementing_plans` entry for the draft: the children of the
    issuer at every level proposed, named units added, the first deadline written."""
    if not proposals:
        return None
    by = list(dict.fromkeys(b for p in proposals for b in p.by))
    levels = list(dict.fromkeys(lv for p in proposals if any(b.startswith("children of ") for b in p.by) for lv in p.level))
    entry: dict = {"by": by}
    if levels:
        entry["level"] = levels
    entry["due"] = next((p.due for p in proposals if p.due), None)
    return entry
