"""The plan's header: number, place and date of issue, title, the document it
implements, and the issuing body (pure).

    Số: 192/KH-UBND
    Nghệ An, ngày 08 tháng 4 năm 2021
    KẾ HOẠCH
    Thực hiện công tác trẻ em năm 2021 trên địa bàn tỉnh Nghệ An
    Thực hiện Công văn số 375/BLĐTBXH-TE ngày 23/02/2021 của Bộ ..., UBND tỉnh ban hành Kế hoạch ...

The issuing body comes from the letterhead ("ỦY BAN NHÂN DÂN / XÃ THANH LĨNH")
when the file has one, else from the preamble ("..., UBND tỉnh ban hành Kế
hoạch"), else from the signature ("TM. ỦY BAN NHÂN DÂN") and the title's place.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from dondoc.importer.structure import Para
from dondoc.importer.vn import fold

_NUMBER = re.compile(r"^so\s*:?\s*(?P<num>\S*/\S+)")
_DATE = re.compile(r"^(?P<place>[^,]{2,60}),\s*ngay\s+(?P<d>\d{1,2})?\s*thang\s+(?P<m>\d{1,2})\s+nam\s+(?P<y>\d{4})")
_IMPLEMENTS = re.compile(
    r"thuc hien (?P<kind>ke hoach|cong van|quyet dinh|chi thi|nghi quyet|thong tu|chuong trinh|huong dan)\s+"
    r"(?:so\s*:?\s*)?(?P<num>[\w/.-]+)\s+ngay\s+(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})\s*/\s*(?P<y>\d{4})\s+cua\s+"
    r"(?P<body>.+?)(?=\s+(?:ve viec|ve|huong dan|v/v|nham|de)\s|[,;(]|$)")
_ISSUER = re.compile(r"(?:^|[,;]\s*)(?P<who>[^,;]{3,80}?)\s+(?:ban hanh|xay dung|xay hanh|trien khai)\s+ke hoach")
_SIGNATURE = re.compile(r"^(?:tm|t/m|thay mat)\.?\s+(?P<who>.+)$")
_LOCALITY = re.compile(r"\b(?P<level>xa|phuong|thi tran|huyen|thi xa|thanh pho|tinh)\s+(?P<name>[a-z]+(?:\s+[a-z]+){0,3})")
_LEVEL_WORD = re.compile(r"(?:^|\s)(xa(?! hoi)|phuong|thi tran|huyen|thi xa|thanh pho|tinh)(?:\s|$)")
_LEVEL_VI = {"xa": "xã", "phuong": "phường", "thi tran": "thị trấn", "huyen": "huyện", "thi xa": "thị xã",
             "thanh pho": "thành phố", "tinh": "tỉnh"}
_NOT_LETTERHEAD = ("cong hoa", "doc lap", "so", "ke hoach")


@dataclass(frozen=True)
class Implements:
    text: str                       # "Thực hiện Kế hoạch số 90/KH-UBND ngày 11/5/2023 của UBND huyện Thanh Chương"
    kind: str                       # "Kế hoạch", "Công văn", ...
    number: str
    issued_on: date | None
    body: str
    line: int


@dataclass(frozen=True)
class Header:
    number: str | None = None
    number_line: int = 0
    place: str | None = None
    issued_on: date | None = None
    date_line: int = 0
    title: str | None = None
    title_line: int = 0
    issuer: str | None = None
    issuer_line: int = 0
    issuer_how: str = ""            # letterhead | preamble | signature
    implements: Implements | None = None
    home: str = ""                  # the plan's own level: "xã", "huyện", "tỉnh"
    is_plan: bool = False

    @property
    def year(self) -> int | None:
        if self.issued_on:
            return self.issued_on.year
        found = re.findall(r"\b(20\d\d)\b", self.title or "")
        return int(found[-1]) if found else None


def _date(d: str | None, m: str, y: str) -> date | None:
    try:
        return date(int(y), int(m), int(d)) if d else None
    except ValueError:
        return None


def _is_plan_word(para: Para) -> bool:
    return fold(para.text).replace(" ", "") == "kehoach"


def _title(header: list[Para]) -> tuple[str | None, int]:
    for i, para in enumerate(header):
        if _is_plan_word(para) and i + 1 < len(header):
            return header[i + 1].text, header[i + 1].line
    return None, 0


def _implements(para: Para) -> Implements | None:
    m = _IMPLEMENTS.search(fold(para.text))
    if not m:
        return None
    text = para.text
    return Implements(text[m.start():m.end()].strip(), text[m.start("kind"):m.end("kind")],
                      text[m.start("num"):m.end("num")], _date(m["d"], m["m"], m["y"]),
                      text[m.start("body"):m.end("body")].strip(), para.line)


_AUTHORITY = ("uy ban nhan dan", "ubnd", "hoi dong nhan dan", "bo ", "thu tuong", "chinh phu", "so ", "ban ")


def _letterhead(header: list[Para]) -> tuple[str | None, int]:
    """The issuing body's lines at the top ("ỦY BAN NHÂN DÂN / TỈNH NGHỆ AN"), after any page chrome."""
    start = next((i for i, p in enumerate(header) if p.text.isupper() and fold(p.text).startswith(_AUTHORITY)), 0)
    lines = []
    for para in header[start:]:
        folded = fold(para.text)
        if folded.startswith(_NOT_LETTERHEAD) or not para.text.isupper():
            break
        lines.append(para)
    return (" ".join(p.text for p in lines).rstrip(" -–—_"), lines[0].line) if lines else (None, 0)


def _preamble_issuer(header: list[Para]) -> tuple[str | None, int]:
    for para in header:
        if m := _ISSUER.search(fold(para.text)):
            return para.text[m.start("who"):m.end("who")].strip(), para.line
    return None, 0


def _signature_issuer(paras: list[Para], locality: str) -> tuple[str | None, int]:
    for para in paras:
        if m := _SIGNATURE.match(fold(para.text)):
            who = para.text[m.start("who"):].strip()
            return (f"{who} {locality}".strip() if not _LEVEL_WORD.search(fold(who)) else who), para.line
    return None, 0


def _locality(title: str | None, place: str | None) -> str:
    """'xã Thanh Lĩnh' from a title '... trên địa bàn xã Thanh Lĩnh năm 2023'."""
    folded = fold(title or "")
    for m in _LOCALITY.finditer(folded):
        if not place or fold(place) in m.group(0):
            return (title or "")[m.start():m.start("name")] + (place or title[m.start("name"):m.end("name")])
    return ""


def home_level(*texts: str | None) -> str:
    for text in texts:
        if text and (m := _LEVEL_WORD.search(fold(text))):
            return _LEVEL_VI[m.group(1)]
    return ""


def _number_and_date(header: list[Para]) -> tuple[str | None, int, str | None, date | None, int]:
    number, number_line, place, issued, date_line = None, 0, None, None, 0
    for para in header:
        folded = fold(para.text)
        if number is None and (m := _NUMBER.match(folded)):
            number, number_line = para.text[m.start("num"):m.end("num")].rstrip(".,;"), para.line
        if place is None and (m := _DATE.match(folded)):
            place, issued, date_line = para.text[: m.end("place")].strip(), _date(m["d"], m["m"], m["y"]), para.line
    return number, number_line, place, issued, date_line


def read_header(header: list[Para], everything: list[Para]) -> Header:
    """Everything the header says; missing parts stay None for the draft to flag."""
    number, number_line, place, issued, date_line = _number_and_date(header)
    title, title_line = _title(header)
    implements = next((found for p in header if (found := _implements(p))), None)
    issuer, issuer_line, how = *_letterhead(header), "letterhead"
    if not issuer:
        issuer, issuer_line, how = *_preamble_issuer(header), "preamble"
    if not issuer:
        issuer, issuer_line, how = *_signature_issuer(everything, _locality(title, place)), "signature"
    is_plan = any(_is_plan_word(p) for p in header) or "/kh" in fold(number or "")
    return Header(number, number_line, place, issued, date_line, title, title_line, issuer, issuer_line,
                  how if issuer else "", implements, home_level(issuer, _locality(title, place), title), is_plan)
