"""Assignment fields in a plan's paragraphs (pure).

Field paragraphs (the commune shape):
  "Chủ trì: X"  "Phối hợp: Y" / "Phối hợp với Y"  "Thời gian thực hiện: Z"
  "X chủ trì phối hợp với Y."            (inline form)
  "X phối hợp với Y."                    (no "chủ trì": X is read as the lead, flagged)
Inside a duty's text (the province shape):
  "[Đề nghị] X chủ trì ..."              a lead other than the heading's
  "... phối hợp với Y <verb> ..."        coordinating agencies
  "Định kỳ 6 tháng, 1 năm gửi báo cáo"   a timeframe written in the text (flagged)
  "chỉ tiêu 1,2,14,15"                   indicators
Regexes run on the folded text (`vn.fold` keeps offsets), so they are case and
diacritics tolerant while values are sliced from the text as written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from dondoc.importer.lines import Para
from dondoc.importer.names import is_agency_like
from dondoc.importer.vn import fold

_ORG = r"(?:co quan|don vi|cq|dv)(?:\s*,\s*(?:co quan|don vi))?"
_LABELS = (
    ("lead", re.compile(rf"^(?:{_ORG}\s+)?chu tri(?:\s*\([^)]*\))?(?:\s+thuc hien)?\s*[:：]\s*"
                        rf"|^{_ORG}(?:\s+chu tri)?(?:\s*\([^)]*\))?\s+thuc hien(?:\s+chinh)?\s*[:：]\s*")),
    ("support", re.compile(rf"^(?:{_ORG}\s+)?phoi hop(?: thuc hien)?(?: voi)?\s*[:：]\s*|^phoi hop voi\s+")),
    ("timeframe", re.compile(r"^(?:thoi gian|thoi han|han|tien do)(?:\s+\w+){0,3}\s*[:：]\s*")),
)
_CONTENT_LABEL = re.compile(r"^(?:noi dung|nhiem vu|cong viec|hoat dong)(?:\s+\w+){0,2}\s*[:：]\s*")
_INLINE = re.compile(r"^(?P<lead>.+?)\s+chu tri(?:\s*,)?(?:\s+(?:va\s+)?phoi hop(?:\s+voi)?\s+(?P<support>.+))?$")
_INLINE_NO_LEAD_WORD = re.compile(r"^(?P<lead>.+?)\s+phoi hop voi\s+(?P<support>.+)$")
_SUBJECT = re.compile(r"^(?:de nghi\s+|khuyen khich\s+)?(?P<lead>.+?)\s+(?:chu tri|chu dong|co trach nhiem)\b")
_WITH = re.compile(r"phoi hop voi\s+")
# Where a list of agencies after "phối hợp với" ends: a verb or a preposition.
_STOP = re.compile(r"[.;:]|\s(?:nghien cuu|trien khai|tuyen truyen|tham muu|bao dam|dam bao|to chuc|thuc hien|"
                   r"xay dung|huong dan|kip thoi|trong|de|tiep nhan|cung cap|giai quyet|theo doi|kiem tra|chi dao|"
                   r"nham|tang cuong|cung co|phat hien|ho tro|danh gia|tai|tien hanh|ra soat|chiu trach nhiem)\s")
_LEAD_STOP = re.compile(r"\s(?:tien hanh|thuc hien|to chuc thuc hien|trien khai|xay dung|ra soat|huong dan|tham muu|"
                        r"chiu trach nhiem)\s")
_TIMEFRAME_IN_TEXT = (
    re.compile(r"\bdinh ky\s+(?:\d+ thang|6 thang|hang|hằng|moi|1 nam|mot nam|quy)[^.;]*?(?=\s(?:gui|bao cao|tong hop)\b|[.;]|$)"),
    re.compile(r"\btruoc ngay\s+\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?"),
)
_INDICATORS = re.compile(r"chi tieu\s+((?:\d+\s*(?:,|;|-|–|va|den)\s*)*\d+)")


@dataclass(frozen=True)
class Field:
    kind: str                       # lead | support | timeframe
    text: str                       # value as written
    line: int
    how: str = "label"              # label | inline | no-lead-word | text


def _short(text: str, words: int) -> bool:
    return 0 < len(text.split()) <= words


def is_label(text: str) -> bool:
    """A labelled field or content line ("Cơ quan chủ trì: ...", "Nhiệm vụ: ...", "Cơ quan thực hiện:")."""
    folded = fold(text)
    found = [m for _, p in _LABELS if (m := p.match(folded))] + [m for m in [_CONTENT_LABEL.match(folded)] if m]
    return any(":" in m.group(0) or "：" in m.group(0) for m in found)


def _labelled(kind: str, value: str, line: int) -> list[Field]:
    """'Sở Nội vụ chủ trì, phối hợp với các sở ...' in a lead field: the lead and its partners."""
    if kind == "lead" and (m := _INLINE.match(fold(value))) and m["support"]:
        return [Field("lead", value[: m.end("lead")], line), Field("support", value[m.start("support"):], line)]
    if kind == "lead" and (stop := _LEAD_STOP.search(fold(value))) and stop.start() > 0:
        value = value[: stop.start()]               # "Bộ Công an tiến hành rà soát ..." -> "Bộ Công an"
    return [Field(kind, value.strip(), line)]


def field_paragraph(para: Para) -> list[Field]:
    """The fields a paragraph states, or [] for ordinary text."""
    folded = fold(para.text)
    for kind, pattern in _LABELS:
        if m := pattern.match(folded):
            value = para.text[m.end():].strip()
            return _labelled(kind, value, para.line) if value else []
    if not _short(para.text, 80):
        return []
    for pattern, how in ((_INLINE, "inline"), (_INLINE_NO_LEAD_WORD, "no-lead-word")):
        m = pattern.match(folded)
        lead = para.text[: m.end("lead")] if m else ""
        if m and _short(lead, 20) and _names_a_body(lead, group_ok=how == "inline"):
            support = para.text[m.start("support"):] if m["support"] else ""
            return [Field("lead", lead, para.line, how)] + ([Field("support", support, para.line, how)] if support else [])
    return []


def _names_a_body(text: str, *, group_ok: bool) -> bool:
    """The first name of a list looks like an agency ("các trường học" too, when `group_ok`)."""
    first = re.split(r"\s*[,;]\s*|\s+và\s+", text.strip())[0]
    return is_agency_like(first) or (group_ok and fold(first).startswith("cac ") and first[:1].isupper())


def subject_lead(text: str) -> str | None:
    """'[Đề nghị] Đoàn TNCS Hồ Chí Minh tỉnh chủ trì ...' -> 'Đoàn TNCS Hồ Chí Minh tỉnh'."""
    m = _SUBJECT.match(fold(text))
    if not m:
        return None
    lead = re.sub(r"\s+(?:có\s+)?liên quan\b.*$", "", text[m.start("lead"): m.end("lead")])
    return lead if _short(lead, 15) and _names_a_body(lead, group_ok=True) else None


def support_in_text(text: str) -> list[str]:
    """The agency lists after each 'phối hợp với' in a duty's text."""
    folded, out = fold(text), []
    for m in _WITH.finditer(folded):
        stop = _STOP.search(folded, m.end())
        end = stop.start() if stop else len(text)
        while stop and _stop_is_inside_a_name(folded, stop.start()):
            stop = _STOP.search(folded, stop.end() - 1)
            end = stop.start() if stop else len(text)
        if text[m.end():end].strip():
            out.append(text[m.end():end].strip())
    return out


def _stop_is_inside_a_name(folded: str, at: int) -> bool:
    """'các tổ chức', ', tổ chức' name bodies; 'thị tổ chức Diễn đàn' is a verb."""
    before = folded[:at].rstrip()
    return folded[at] == " " and (before.endswith((",", " cac", " nhung", " va")) or before == "cac")


def timeframe_in_text(text: str) -> str | None:
    folded = fold(text)
    for pattern in _TIMEFRAME_IN_TEXT:
        if m := pattern.search(folded):
            found = text[m.start():m.end()].strip(" ,")
            return found[:1].upper() + found[1:]
    return None


def indicators(text: str) -> tuple[int, ...]:
    """'chỉ tiêu 1,2,14, 15' -> (1, 2, 14, 15); '3-5' and '3 đến 5' are ranges."""
    out: list[int] = []
    for m in _INDICATORS.finditer(fold(text)):
        for a, b in re.findall(r"(\d+)(?:\s*(?:-|–|den)\s*(\d+))?", m.group(1)):
            out.extend(range(int(a), int(b) + 1) if b and int(b) > int(a) else [int(a)])
    return tuple(dict.fromkeys(out))
