"""Vietnamese timeframe phrases ("Thời gian thực hiện: ...") -> a Schedule (pure).

Standard library only; never reads the clock. Phrases are matched on a folded
copy (lower case, no diacritics, "đ" -> "d", dashes unified), so case, NFC/NFD,
old/new tone placement and "hàng"/"hằng" all read alike, while every part keeps
the fragment as written. Impossible or unknown phrases raise TimeframeError;
doubtful ones parse with Vietnamese warnings: nothing is corrected silently.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, cast

from dondoc.engine.folding import Fragment as _Fragment

Every = Literal["month", "quarter", "half_year", "year"]


@dataclass(frozen=True)
class Deadline:
    """A fixed deadline."""

    due: date
    text: str


@dataclass(frozen=True)
class Recurring:
    """A periodic obligation, optionally on a fixed day (and month)."""

    every: Every
    day: int | None = None
    month: int | None = None
    text: str = ""


@dataclass(frozen=True)
class Continuous:
    """A "thường xuyên" duty: tracked at the reporting dates and at the end of the span."""

    text: str = ""


@dataclass(frozen=True)
class OnEvent:
    """Tracked when something happens; never escalated by date."""

    text: str = ""


Part = Deadline | Recurring | Continuous | OnEvent


@dataclass(frozen=True)
class Schedule:
    parts: tuple[Part, ...]
    warnings: tuple[str, ...] = ()


class TimeframeError(ValueError):
    """A phrase that cannot be read; the message quotes it and says what is expected."""

    phrase: str

    def __init__(self, message: str, phrase: str) -> None:
        super().__init__(message)
        self.phrase = phrase

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        return (type(self), (str(self), self.phrase))


class _Invalid(Exception):
    """Raised while reading; parse_timeframe turns it into a TimeframeError quoting the phrase."""

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(vi)
        self.vi, self.en = vi, en


def _unknown(clause: str) -> _Invalid:
    return _Invalid(f"không nhận ra cách ghi “{clause}” (ví dụ “Tháng 6/2023”, “Quý II/2023”, “trước ngày 25/11”, "
                    "“Định kỳ 6 tháng, 1 năm”, “Thường xuyên trong năm”)",
                    f"“{clause}” is not a known timeframe (e.g. a month, a quarter, “trước ngày 25/11”, "
                    "a periodic or continuous phrase)")


# ---- dates ------------------------------------------------------------------------------------

def _month_end(year: int, month: int) -> date:
    try:
        return date(year, 12, 31) if month == 12 else date(year, month + 1, 1) - timedelta(days=1)
    except ValueError:
        raise _Invalid(f"năm {year} không hợp lệ", f"year {year} is not valid") from None


def _day(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise _Invalid(f"ngày {day:02d}/{month:02d}/{year:04d} không tồn tại",
                       f"{day:02d}/{month:02d}/{year:04d} is not a date") from None


def _month(text: str) -> int:
    if not 1 <= int(text) <= 12:
        raise _Invalid(f"tháng {int(text)} không tồn tại (tháng từ 1 đến 12)",
                       f"month {int(text)} does not exist (1-12)")
    return int(text)


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def _quarter(text: str) -> int:
    number = _ROMAN.get(text) or (int(text) if text.isdigit() else 0)
    if not 1 <= number <= 4:
        raise _Invalid(f"quý {text.upper()} không tồn tại (quý từ I đến IV)",
                       f"quarter {text.upper()} does not exist (I-IV)")
    return number


# ---- fixed deadlines --------------------------------------------------------------------------

_YEAR = r"(?:(?:\s*[/-]\s*|\s+nam\s+)(?P<y>\d{4}))?"
_LEAD = (r"^(?:(?P<label>.*\s)?"
         r"(?P<conn>vao|trong|truoc|den het|den|cham nhat la|cham nhat|cuoi|han|hoan thanh)\s+)?")
# A label ("xây dựng Quy trình vào ...") is free text, but never one that hides another timeframe.
_NOT_A_LABEL = re.compile(r"\d{4}|\d\s*/\s*\d|\b(?:ngay|thang|quy)\s+(?:\d|[ivx]+\b)|thuong xuyen|lien tuc"
                          r"|dinh ky|dot xuat|vu viec|yeu cau|theo chi dao|\b(?:trong|ca|nua) nam\b"
                          r"|\bhang\s+(?:thang|quy|nam)\b|(?:,|\bva|\bhoac|\b\d+|\b[ivx]+)\s*$"
                          r"|\b(?:ngay|tuan|thang|nam|lam viec|sau|ke tu|tu)\s*$", re.ASCII)


def _year(m: re.Match[str], plan_year: int) -> int:
    return int(m["y"]) if m["y"] else plan_year


def _on_day(m: re.Match[str], plan_year: int) -> date:
    return _day(_year(m, plan_year), int(m["m"]), int(m["d"]))


def _in_months(m: re.Match[str], plan_year: int) -> date:
    first, last = _month(m["m1"]), _month(m["m"])
    if first > last:
        raise _Invalid(f"tháng {first} ở sau tháng {last}", f"month {first} comes after month {last}")
    return _month_end(_year(m, plan_year), last)


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    due: Callable[[re.Match[str], int], date]
    is_day: bool = False


def _rule(expression: str, due: Callable[[re.Match[str], int], date], is_day: bool = False) -> _Rule:
    return _Rule(re.compile(_LEAD + expression + "$", re.ASCII), due, is_day)


_DEADLINE_RULES = (
    _rule(r"ngay\s+(?P<d>\d{1,2})\s*(?:[/.-]|thang)\s*(?P<m>\d{1,2})(?:\s*(?:[/.-]|nam)\s*(?P<y>\d{4}))?",
          _on_day, is_day=True),
    _rule(r"(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})(?:\s*/\s*(?P<y>\d{4}))?", _on_day, is_day=True),
    _rule(r"(?:tu\s+)?thang\s+(?P<m1>\d{1,2})\s*(?:-|den(?:\s+het)?(?:\s+thang)?)\s*(?P<m>\d{1,2})" + _YEAR,
          _in_months),
    _rule(r"thang\s+(?P<m>\d{1,2})" + _YEAR, lambda m, y: _month_end(_year(m, y), _month(m["m"]))),
    _rule(r"quy\s+(?P<q>[ivx]+|\d{1,2})" + _YEAR, lambda m, y: _month_end(_year(m, y), 3 * _quarter(m["q"]))),
    _rule(r"(?:6|sau)\s+thang\s+(?P<half>dau|cuoi)\s+nam(?:\s+(?P<y>\d{4}))?",
          lambda m, y: _month_end(_year(m, y), 6 if m["half"] == "dau" else 12)),
    _rule(r"nam\s+(?P<y>\d{4})", lambda m, y: _month_end(_year(m, y), 12)),
)


def _deadline(frag: _Fragment, plan_year: int) -> Schedule | None:
    for rule in _DEADLINE_RULES:
        m = rule.pattern.match(frag.key)
        if m and not (m["label"] and _NOT_A_LABEL.search(m["label"])):
            if m["conn"] == "truoc" and not rule.is_day:
                raise _Invalid(
                    f"“{frag.raw}” có hai cách hiểu (trước khi bắt đầu hay trước khi hết kỳ); "
                    "hãy ghi “trong …” hoặc “trước ngày …”",
                    "“trước” a month, quarter or year is ambiguous; write “trong …” or “trước ngày …”")
            return Schedule((Deadline(rule.due(m, plan_year), frag.raw),))
    return None


# ---- periodic obligations ---------------------------------------------------------------------

_EVERY_WORDS = {
    "half_year": r"6 thang|sau thang|hang nua nam|nua nam",
    "year": r"hang nam|thuong nien|1 nam|mot nam|ca nam|nam",
    "quarter": r"hang quy|quy|3 thang|ba thang",
    "month": r"hang thang|1 thang|mot thang|thang",
    "event": r"dot xuat theo yeu cau|dot xuat|theo yeu cau|khi co yeu cau",
}
_ITEM = re.compile(r"^(?:bao cao\s+)?(?:" + "|".join(f"(?P<{k}>{v})" for k, v in _EVERY_WORDS.items())
                   + r")(?:\s*\((?P<w1>[^()]*)\)|\s+(?P<w2>.+))?$", re.ASCII)
_WHEN = re.compile(r"^(?:(?:vao|truoc|cham nhat|han|den)\s+)?(?P<ngay>ngay\s+)?(?P<d>\d{1,2})"
                   r"(?:\s*(?:[/.-]|thang)\s*(?P<m>\d{1,2}))?$", re.ASCII)
_PERIODIC = re.compile(r"(?:^|\s)(?:(?:theo\s+)?dinh ky(?:\s+bao cao)?(?:\s+|$)|(?=hang\s))", re.ASCII)
_LIST = re.compile(r"\s*,\s*|\s+(?:va|hoac)\s+", re.ASCII)
_DAY_EVERY = re.compile(_LEAD + r"(?P<ngay>ngay\s+)?(?P<d>\d{1,2})(?:\s*(?:[/.-]|thang)\s*(?P<m>\d{1,2}))?"
                        r"\s+hang\s+(?P<every>thang|quy|nam)$", re.ASCII)
_EVERY_OF = {"thang": "month", "quy": "quarter", "nam": "year"}


def _recurring(every: str, day: int | None, month: int | None, text: str) -> Recurring:
    if every in ("month", "quarter") and month is not None:
        raise _Invalid("chu kỳ hằng tháng/hằng quý chỉ ghi ngày, không ghi tháng",
                       "a monthly or quarterly deadline gives a day, not a month")
    if every in ("year", "half_year") and day is not None and month is None:
        raise _Invalid(f"thiếu tháng của ngày {day}", f"day {day} needs a month")
    try:
        date(2001, month or 1, day or 1)  # 2001 is a common year: 29/02 is not there every year
    except ValueError:
        where = f"{day:02d}/{month:02d}" if month else str(day)
        raise _Invalid(f"ngày {where} không có trong mọi năm", f"day {where} does not exist every year") from None
    return Recurring(cast(Every, every), day, month, text)


def _number(text: str | None) -> int | None:
    return None if text is None else int(text)


def _item(frag: _Fragment, text: str) -> Part | None:
    m = _ITEM.match(frag.key)
    if not m:
        return None
    every = next(k for k in _EVERY_WORDS if m[k])
    when = (m["w1"] or m["w2"] or "").strip()
    if not when:
        return OnEvent(text) if every == "event" else _recurring(every, None, None, text)
    day = _WHEN.match(when)
    if every == "event" or not day or not (day["ngay"] or day["m"]):
        return None
    return _recurring(every, int(day["d"]), _number(day["m"]), text)


def _periodic(frag: _Fragment, plan_year: int) -> Schedule | None:
    head = _PERIODIC.search(frag.key)
    if not head or _NOT_A_LABEL.search(frag.key[:head.start()]):
        return None
    items: list[Part] = []
    for piece in frag.cut(head.end(), len(frag.key)).split(_LIST):
        part = _item(piece, frag.raw)
        if part is not None:
            items.append(part)
            continue
        dated = _day_of(items, piece)
        if dated is None:
            return None
        items[-1] = dated
    return Schedule(tuple(dict.fromkeys(items)))


def _day_of(items: list[Part], piece: _Fragment) -> Recurring | None:
    """"Hằng năm, trước ngày 15/12": a bare period word takes the day that follows it."""
    last = items[-1] if items else None
    day = _WHEN.match(piece.key)
    if not isinstance(last, Recurring) or last.day is not None or last.month is not None or not day:
        return None
    if not (day["ngay"] or day["m"]):
        return None
    return _recurring(last.every, int(day["d"]), _number(day["m"]), last.text)


def _day_every(frag: _Fragment, plan_year: int) -> Schedule | None:
    m = _DAY_EVERY.match(frag.key)
    if not m or not (m["ngay"] or m["m"]) or (m["label"] and _NOT_A_LABEL.search(m["label"])):
        return None
    return Schedule((_recurring(_EVERY_OF[m["every"]], int(m["d"]), _number(m["m"]), frag.raw),))


_DAYS_BEFORE = re.compile(r"^(?:cham nhat\s+)?(?P<n>\d{1,3})\s+ngay(?P<work>\s+lam viec)?\s+truoc\s+(?:ngay\s+)?"
                          r"(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})(?:\s*[/.-]\s*(?P<y>\d{4}))?$", re.ASCII)
_MONTH_EVERY = re.compile(r"^(?:(?:vao|trong)\s+)?thang\s+(?P<m>\d{1,2})\s+hang\s+nam$", re.ASCII)


def _days_before(frag: _Fragment, plan_year: int) -> Schedule | None:
    """"10 ngày trước ngày 30/6/2024" is read exactly (20/6/2024); working days need a calendar: refused."""
    m = _DAYS_BEFORE.match(frag.key)
    if not m:
        return None
    if m["work"]:
        raise _Invalid("“… ngày làm việc trước ngày …” cần lịch ngày làm việc; hãy ghi ngày cụ thể (due)",
                       "“N working days before …” needs the working calendar; write the date (due)")
    return Schedule((Deadline(_on_day(m, plan_year) - timedelta(days=int(m["n"])), frag.raw),))


def _month_every(frag: _Fragment, plan_year: int) -> Schedule | None:
    """"Tháng 12 hằng năm": due by the end of that month every year."""
    m = _MONTH_EVERY.match(frag.key)
    return Schedule((_recurring("year", None, _month(m["m"]), frag.raw),)) if m else None


# ---- continuous and on-event ------------------------------------------------------------------

_CONTINUOUS = re.compile(r"^(?:thuc hien\s+)?(?:thuong xuyen|lien tuc)(?:\s*,?\s*(?:va\s+)?(?:thuong xuyen|lien tuc))?"
                         r"(?:\s+(?:trong|suot)\s+(?:ca\s+)?nam(?:\s+(?P<y>\d{4}))?)?$", re.ASCII)
_EVENT = re.compile(
    r"^(?:theo\s+)?(?:(?:thoi diem|tinh hinh)\s+(?:cua\s+)?)?(?:cac\s+|tung\s+)?vu viec"
    r"(?:\s*,\s*van de)?(?:\s+phat sinh)?$"
    r"|^(?:theo\s+)?(?:su\s+)?chi dao(?:\s+cua\s+(?:cap tren|cap co tham quyen))?$"
    r"|^(?:dot xuat|khi co yeu cau|theo yeu cau|khi phat sinh)(?:\s+theo yeu cau(?:\s+cua cap tren)?)?$", re.ASCII)
_UNDATED = re.compile(r"^theo thoi gian phoi hop(?:\s+trinh)?(?:\s+cua\s+cac\s+(?:nganh|don vi|co quan))?$", re.ASCII)


def _continuous(frag: _Fragment, plan_year: int) -> Schedule | None:
    m = _CONTINUOUS.match(frag.key)
    if not m:
        return None
    if m["y"] and int(m["y"]) != plan_year:
        return Schedule((Continuous(frag.raw),), (
            f"Thời hạn “{frag.raw}” ghi năm {m['y']}, khác năm của kế hoạch ({plan_year}); "
            "nhiệm vụ được theo dõi thường xuyên trong thời gian của kế hoạch, đề nghị kiểm tra lại.",))
    return Schedule((Continuous(frag.raw),))


def _event(frag: _Fragment, plan_year: int) -> Schedule | None:
    if _EVENT.match(frag.key):
        return Schedule((OnEvent(frag.raw),))
    if _UNDATED.match(frag.key):
        return Schedule((OnEvent(frag.raw),), (
            f"Thời hạn “{frag.raw}” không có ngày cụ thể: nhiệm vụ được theo dõi theo phát sinh, "
            "không tự nhắc hạn; nên ghi hạn hoàn thành (due) khi các ngành thống nhất thời gian.",))
    return None


# ---- clauses and the phrase -------------------------------------------------------------------

_Reader = Callable[[_Fragment, int], "Schedule | None"]
_WHOLE: tuple[_Reader, ...] = (_event, _continuous, _periodic, _day_every, _days_before, _month_every)
_PIECE: tuple[_Reader, ...] = (*_WHOLE, _deadline)
_CLAUSES = re.compile(r"\s*;\s*")
_LABEL = re.compile(r"^thoi gian(?:\s+(?:thuc hien|hoan thanh))?\s*(?::\s*|$)", re.ASCII)


def _first(readers: tuple[_Reader, ...], frag: _Fragment, plan_year: int) -> Schedule | None:
    return next((r for r in (read(frag, plan_year) for read in readers) if r), None)


_TRAILING_YEAR = re.compile(r"(?:\s*[/-]\s*|\bnam\s+)(?P<y>\d{4})$", re.ASCII)
_TRAILING_EVERY = re.compile(r"\s+(?P<every>hang\s+(?:nam|thang|quy))$", re.ASCII)


def _listed(frag: _Fragment, plan_year: int) -> Schedule | None:
    """"A và B", "A, B": one reading per piece, or None unless every piece reads. The
    pieces share the last one's year ("Quý III và quý IV năm 2025") and its "hằng năm"
    ("Trước 30/6 và 31/12 hằng năm")."""
    pieces = frag.split(_LIST)
    if len(pieces) < 2:
        return None
    year = _TRAILING_YEAR.search(pieces[-1].key)
    shared = int(year["y"]) if year else plan_year
    every = _TRAILING_EVERY.search(pieces[-1].key)
    if every:
        tail = pieces[-1].raw[pieces[-1].index[every.start("every")]:]
        pieces = [p if _TRAILING_EVERY.search(p.key) else _Fragment.of(f"{p.raw} {tail}") for p in pieces]
    readings = [_first(_PIECE, p, shared) for p in pieces]
    if not all(readings):
        return None
    return Schedule(tuple(p for r in readings if r for p in r.parts),
                    tuple(w for r in readings if r for w in r.warnings))


def _clause(frag: _Fragment, plan_year: int) -> Schedule:
    """Whole-clause readings first, then a list, then a deadline with a free-text label."""
    reading = _first(_WHOLE, frag, plan_year) or _listed(frag, plan_year) or _deadline(frag, plan_year)
    if reading is None:
        raise _unknown(frag.raw)
    return reading


FAR_YEARS = 20  # a year further than this from the plan's is a typo ("Quý II/2203"), not a plan


def _year_notes(parts: tuple[Part, ...], plan_year: int, issued_on: date | None, ends_on: date | None) -> list[str]:
    notes = []
    for part in (p for p in parts if isinstance(p, Deadline)):
        if abs(part.due.year - plan_year) > FAR_YEARS:
            raise _Invalid(f"năm {part.due.year} cách xa năm của kế hoạch ({plan_year}), có thể ghi nhầm",
                           f"year {part.due.year} is far from the plan's year ({plan_year}): a typo?")
        if issued_on is not None and part.due < issued_on:
            notes.append(f"Hạn “{part.text}” ({part.due:%d/%m/%Y}) trước ngày ban hành kế hoạch "
                         f"({issued_on:%d/%m/%Y}); đề nghị kiểm tra lại.")
        if part.due.year < plan_year:
            notes.append(f"Hạn “{part.text}” thuộc năm {part.due.year}, trước năm của kế hoạch ({plan_year}); "
                         "có thể ghi nhầm năm, đề nghị kiểm tra lại.")
        if ends_on is not None and part.due.year > ends_on.year:
            notes.append(f"Hạn “{part.text}” ({part.due:%d/%m/%Y}) sau thời gian của kế hoạch (đến "
                         f"{ends_on:%d/%m/%Y}); đề nghị kiểm tra lại.")
    return notes


def _error(error: _Invalid, phrase: str) -> TimeframeError:
    return TimeframeError(f"Thời hạn “{phrase}” không đọc được: {error.vi}. / "
                          f"Timeframe “{phrase}” cannot be read: {error.en}.", phrase)


def parse_timeframe(text: str, *, plan_year: int, issued_on: date | None = None,
                    ends_on: date | None = None) -> Schedule:
    """Read a "Thời gian thực hiện" phrase into a Schedule.

    Readings: a month, a month range ("Tháng 4-5/2023"), a quarter (Roman or Arabic), "6 tháng
    đầu/cuối năm" and "năm 2030" end on the last day of that period; a missing year is plan_year.
    "trước ngày 25/11" (and "ngày 25/11") is due on 25/11 of plan_year, that day included: it is
    the last day an agency can still be on time, so reminders and "overdue" count from it.
    "trước" a month, quarter or year is refused as ambiguous (before it starts, or by its end?).
    "định kỳ"/"hằng" phrases become Recurring parts ("hằng năm trước ngày 10/12" -> year, 10/12;
    "6 tháng (vào ngày 10 tháng 5)" -> half_year, 10/5), "đột xuất" an OnEvent,
    "thường xuyên" Continuous, "theo các vụ việc"/"theo chỉ đạo của cấp trên" OnEvent.
    Clauses split on ";"; "A và B"/"A, B" give one part each. A deadline before issued_on or
    in a year before plan_year (or after `ends_on`, the plan's end) is kept as written and warned
    about (Vietnamese sentences); a year more than FAR_YEARS from plan_year is refused as a typo.
    Lists share their last piece's year and "hằng năm"; "10 ngày trước ngày 30/6/2024" is 20/6/2024.
    plan_year is the year of the plan's period (not of its issue date).
    Raises TimeframeError (message in Vietnamese / English, quoting the phrase) when the phrase
    is empty, unknown or names an impossible date ("Tháng 13/2023", "ngày 31/02", "Quý V").
    """
    phrase = " ".join(unicodedata.normalize("NFC", text or "").split())
    whole = _Fragment.of(phrase)
    label = _LABEL.match(whole.key)
    whole = whole.cut(label.end(), len(whole.key)) if label else whole
    if not whole.key:
        raise TimeframeError("Thời hạn trống: cần ghi thời gian thực hiện, ví dụ “Tháng 6/2023” hoặc "
                             "“Thường xuyên trong năm”. / Empty timeframe: write one, e.g. “Tháng 6/2023”.", phrase)
    try:
        readings = [_clause(c, plan_year) for c in whole.split(_CLAUSES)]
        parts = tuple(dict.fromkeys(p for r in readings for p in r.parts))
        notes = [w for r in readings for w in r.warnings] + _year_notes(parts, plan_year, issued_on, ends_on)
    except _Invalid as error:
        raise _error(error, phrase) from None
    return Schedule(parts, tuple(dict.fromkeys(notes)))


__all__ = ["Continuous", "Deadline", "Every", "OnEvent", "Part", "Recurring", "Schedule", "TimeframeError",
           "parse_timeframe"]
