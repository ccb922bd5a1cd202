"""Header + tasks + regime -> the draft plan, every doubt turned into a review item (pure).

Agency references become ids: registry matches as they are (fuzzy ones
flagged), unknown names become proposed agencies with generated ids (always
flagged: a plain match never invents an agency), ambiguous ones stay empty
and list their candidates. Timeframes are parsed with the engine's
`parse_timeframe`; its warnings and errors become review items too.
"""
from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dondoc.engine.timeframes import (
    Continuous,
    Deadline,
    OnEvent,
    Recurring,
    Schedule,
    TimeframeError,
    parse_timeframe,
)
from dondoc.importer.agencies import HOW_VI, Registry, has_level
from dondoc.importer.header import Header
from dondoc.importer.lines import SourceText
from dondoc.importer.model import Found, Signal, Task
from dondoc.importer.names import NameRef, resolve
from dondoc.importer.regime import Regime
from dondoc.importer.vague import is_vague
from dondoc.importer.vague import reason as vague_reason
from dondoc.importer.vn import fold, folded_key, slug

DEFAULT_TIMEFRAME = "Thường xuyên trong năm"
_EVERY_VI = {"month": "hằng tháng", "quarter": "hằng quý", "half_year": "6 tháng một lần", "year": "hằng năm"}
_LEVELS = (("bo ", "ministry"), ("so ", "department"), ("ban ", "board"), ("phong ", "district_office"),
           ("cong chuc", "commune_official"), ("can bo", "commune_official"), ("tram ", "commune_unit"),
           ("truong ", "commune_unit"), ("uy ban mat tran", "organization"), ("mat tran", "organization"),
           ("hoi ", "organization"), ("doan ", "organization"), ("tinh doan", "organization"))


@dataclass(frozen=True)
class Review:
    field: str
    line: str                       # "file:line", "" when nothing to point at
    reason: str


@dataclass(frozen=True)
class TaskDraft:
    number: str
    title: str
    text: str
    lead: str | None
    support: tuple[str, ...]
    timeframe: str | None
    indicators: tuple[int, ...]
    source: str
    schedule: str | None = None             # "Lịch: hạn 30/06/2023" (a YAML comment)
    also_named: tuple[str, ...] = ()        # generic phrases (a YAML comment)
    review: tuple[Review, ...] = ()


@dataclass(frozen=True)
class ReportingDraft:
    name: str
    due: str | None                 # "dd/mm" (year, 6 months, quarter...), "dd/mm/yyyy" (once), None
    to: str | None                  # "focal", an agency id, or None (unknown)
    from_: str = "leads"
    every: str = "year"             # once | day | week | month | quarter | "6 months" | year
    day: int | None = None          # monthly: day of the month
    time: str | None = None         # daily: "16:00"


@dataclass(frozen=True)
class ProposedAgency:
    id: str
    name: str
    level: str
    source: str
    used_by: tuple[str, ...]
    reason: str
    aliases: tuple[str, ...] = ()           # other spellings met in the document


@dataclass(frozen=True)
class PlanDraft:
    id: str
    number: str | None
    title: str | None
    place: str | None
    issued_by: str | None
    issued_on: date | None
    focal: str | None
    implements: str | None
    implements_text: str | None
    implements_number: str | None
    reporting: tuple[ReportingDraft, ...]
    default_timeframe: str | None
    tasks: tuple[TaskDraft, ...]
    review: tuple[Review, ...]
    onward_report: str | None = None
    escalation: str = "default"


@dataclass(frozen=True)
class ImportResult:
    source: str
    plan: PlanDraft
    proposed_agencies: tuple[ProposedAgency, ...]
    matched_agencies: tuple[str, ...]       # registry ids the draft uses
    fuzzy_matches: int

    @property
    def tasks(self) -> tuple[TaskDraft, ...]:
        return self.plan.tasks

    @property
    def flagged(self) -> int:
        return len(self.plan.review) + sum(len(t.review) for t in self.plan.tasks)


@dataclass
class _Ids:
    """Turns NameRefs into ids; remembers proposals, matches and fuzzy matches."""

    registry: Registry
    source: SourceText
    place: str
    proposals: dict[str, dict[str, Any]] = field(default_factory=dict)
    matched: set[str] = field(default_factory=set)
    fuzzy: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    known: Registry = field(default_factory=lambda: Registry(similar=False))   # the proposals, as a registry
    foreign: Registry = field(default_factory=lambda: Registry(similar=False))  # agencies of other places
    taken: set[str] = field(default_factory=set)                               # ids used so far

    def id_of(self, ref: NameRef | None, *, line: int, user: str, role: str) -> tuple[str | None, list[Review]]:
        where = self.source.where(line) if line else ""
        if ref is None:
            return None, []
        if ref.kind == "agency" and ref.agency_id:
            self.matched.add(ref.agency_id)
            if ref.how in HOW_VI:
                self.fuzzy.setdefault((ref.text, ref.agency_id), []).append(user)
                if role == "lead":
                    return ref.agency_id, [Review(role, where, f"“{ref.text}” được khớp gần đúng ({HOW_VI[ref.how]}) với "
                                                               f"“{self.registry.name(ref.agency_id)}” ({ref.agency_id}) — kiểm tra lại")]
            return ref.agency_id, []
        if ref.kind == "ambiguous":
            return None, [Review(role, where, f"“{ref.text}” khớp nhiều cơ quan ({', '.join(ref.candidates)}): chọn một")]
        return self._propose(ref, where, user, role)

    def _same_proposal(self, text: str) -> str | None:
        """A name already proposed under another spelling ("Công chức văn hóa" ~ "Công chức văn hóa – xã hội")."""
        found = self.known.match(text) if self.proposals else None
        if found and (found.how in ("stripped", "group", "similar") or (found.how == "prefix" and has_level(fold(text)))):
            return None                                     # "UBND tỉnh X" is not "UBND các phường, xã"
        return found.agency_id if found and found.agency_id and not fold(text).startswith("cac ") else None

    def _propose(self, ref: NameRef, where: str, user: str, role: str) -> tuple[str, list[Review]]:
        key = folded_key(ref.text)
        if key not in self.proposals and (same := self._same_proposal(ref.text)):
            self.proposals[same]["aliases"].append(ref.text)
            self.known.add({"id": same, "name": ref.text})
            key = same
        if key not in self.proposals:
            base = slug(ref.text) + (f"-{slug(self.place)}" if self.place and slug(self.place) not in slug(ref.text) else "")
            if not self.taken:
                self.taken.update(self.registry.agencies)
            new_id = base if base not in self.taken else next(
                f"{base}-{n}" for n in range(2, 10**6) if f"{base}-{n}" not in self.taken)
            self.taken.add(new_id)
            group = ref.how == "group" or fold(ref.text).startswith("cac ")
            name = ref.text[:1].upper() + ref.text[1:]
            self.proposals[key] = {"id": new_id, "name": name, "level": "group" if group else _level(ref.text),
                                   "source": where, "used_by": [], "group": group, "aliases": []}
            self.known.add({"id": key, "name": name})
        proposal = self.proposals[key]
        proposal["used_by"].append(user)
        kind = "một nhóm cơ quan chung, " if proposal["group"] else ""
        elsewhere = self.foreign.match(ref.text)
        other = (f"; tên này trùng “{self.foreign.name(elsewhere.agency_id)}” ({elsewhere.agency_id}) của địa phương "
                 "khác, không dùng" if elsewhere.agency_id and not elsewhere.fuzzy else "")
        return proposal["id"], [Review(role, where, f"“{ref.text}” là {kind}chưa có trong danh mục cơ quan của "
                                                    f"{self.place or 'kế hoạch này'}: đề xuất cơ quan mới "
                                                    f"“{proposal['id']}” (xem proposed_agencies){other}")]


def _level(name: str) -> str:
    key = folded_key(name)
    if key.startswith("uy ban nhan dan"):
        return next((lv for word, lv in (("xa", "commune"), ("huyen", "district"), ("tinh", "province"))
                     if re.search(rf"\b{word}\b", key)), "unit")
    return next((level for prefix, level in _LEVELS if key.startswith(prefix)), "unit")


def summarise(schedule: Schedule) -> str:
    parts = []
    for part in schedule.parts:
        if isinstance(part, Deadline):
            parts.append(f"hạn {part.due:%d/%m/%Y}")
        elif isinstance(part, Recurring):
            fixed = f" (ngày {part.day:02d}/{part.month:02d})" if part.day and part.month else (f" (ngày {part.day})" if part.day else "")
            parts.append(_EVERY_VI[part.every] + fixed)
        elif isinstance(part, Continuous):
            parts.append("thường xuyên (theo các kỳ báo cáo và cuối năm)")
        elif isinstance(part, OnEvent):
            parts.append("khi phát sinh (không nhắc theo ngày)")
    return "Lịch: " + "; ".join(parts)


def _schedule(task: Task, header: Header, where: str) -> tuple[str | None, list[Review]]:
    if not task.timeframe:
        return None, []
    if is_vague(task.timeframe):
        return None, [Review("timeframe", where, vague_reason(task.timeframe))]
    if header.year is None:
        return None, [Review("timeframe", where, "Không xác định được năm của kế hoạch nên chưa đọc được thời hạn")]
    try:
        schedule = parse_timeframe(task.timeframe, plan_year=header.year, issued_on=header.issued_on)
    except TimeframeError as exc:
        return None, [Review("timeframe", where, f"Không đọc được thời hạn: {exc}")]
    return summarise(schedule), [Review("timeframe", where, w) for w in schedule.warnings]


def _task(task: Task, ids: _Ids, header: Header) -> TaskDraft:
    src = ids.source
    reviews = [Review(n.field, src.where(n.line) if n.line else "", n.reason) for n in task.notes]
    lead, found = ids.id_of(task.lead, line=task.lead_line or task.line, user=task.number, role="lead")
    reviews += found
    support: list[str] = []
    for ref in (*task.co_leads, *task.support):
        agency_id, found = ids.id_of(ref, line=task.support_line or task.lead_line or task.line, user=task.number, role="support")
        reviews += found
        if agency_id and agency_id != lead and agency_id not in support:
            support.append(agency_id)
    tf_where = src.where(task.timeframe_line or task.line)
    schedule, found = _schedule(task, header, tf_where)
    return TaskDraft(task.number, task.title, task.text, lead, tuple(support), task.timeframe, task.indicators,
                     src.where(task.line), schedule, task.also_named, tuple(reviews + found))


def _focal(signals: Sequence[Signal], regime: Regime | None, ids: _Ids) -> tuple[str | None, list[Review]]:
    evidence = [(s.kind, s.ref, s.line) for s in signals]
    if regime is not None and regime.recipient is not None:
        evidence.append(("bao-cao-ve", regime.recipient, regime.items[0].line if regime.items else regime.line))
    # "cơ quan đầu mối" said outright, then where the reports go, then who compiles them
    for kinds in (("dau-moi",), ("bao-cao-ve",), ("tong-hop",)):
        if any(e[0] in kinds for e in evidence):
            evidence = [e for e in evidence if e[0] in kinds or e[0] == "bao-cao-ve"]
            break
    votes = Counter(ref.agency_id or folded_key(ref.text) for kind, ref, _ in evidence
                    for _ in range(3 if kind == "dau-moi" else 1))
    if not votes:
        return None, [Review("focal", "", "Không xác định được cơ quan đầu mối (văn bản không ghi “cơ quan đầu mối” và "
                                          "không rõ báo cáo gửi về đâu): hãy điền focal")]
    best = votes.most_common(1)[0][0]
    kind, ref, line = next(e for e in evidence if (e[1].agency_id or folded_key(e[1].text)) == best)
    if ref.kind == "new" and folded_key(ref.text) not in ids.proposals:
        close = difflib.get_close_matches(folded_key(ref.text), list(ids.proposals), n=1, cutoff=0.9)
        if close:                                   # "Sở Khoa học Công nghệ" as written once = "Sở Khoa học và Công nghệ"
            ref = NameRef(ids.proposals[close[0]]["name"], "new")
    focal, reviews = ids.id_of(ref, line=line, user="focal", role="focal")
    kinds = {k for k, r, _ in evidence if (r.agency_id or folded_key(r.text)) == best}
    if len(votes) > 1:
        reviews.append(Review("focal", ids.source.where(line), "Văn bản gợi ý nhiều cơ quan đầu mối khác nhau; "
                                                               f"chọn “{ref.text}” — kiểm tra lại"))
    elif "dau-moi" not in kinds and len(kinds) < 2:
        reviews.append(Review("focal", ids.source.where(line), f"Cơ quan đầu mối suy ra từ nơi nhận báo cáo (“{ref.text}”), "
                                                               "văn bản không ghi rõ — kiểm tra lại"))
    return focal, reviews


def _reporting(regime: Regime | None, focal: str | None, ids: _Ids) -> tuple[tuple[ReportingDraft, ...], list[Review]]:
    if regime is None:
        return (), [Review("reporting", "", "Không thấy mục “Chế độ báo cáo”: chưa có lịch báo cáo định kỳ")]
    where = ids.source.where(regime.line)
    to, reviews = ids.id_of(regime.recipient, line=regime.line, user="reporting", role="reporting")
    if to is None and not reviews:
        reviews.append(Review("reporting", where, "Không rõ báo cáo gửi về cơ quan nào; tạm ghi cơ quan đầu mối"))
    target = "focal" if to is None or to == focal else to
    items = tuple(ReportingDraft(i.name, i.due, target, every=i.every, day=i.day, time=i.time) for i in regime.items)
    reviews += [Review("reporting", ids.source.where(i.line), f"{i.name}: văn bản không ghi ngày báo cáo; hãy điền due (dd/mm)")
                for i in regime.items if i.due is None and i.day is None and i.time is None]
    if not items:
        reviews.append(Review("reporting", where, "Mục “Chế độ báo cáo” không ghi kỳ và ngày báo cáo"))
    return items, reviews


def _issuer(header: Header, ids: _Ids) -> tuple[str | None, list[Review]]:
    where = ids.source.where(header.issuer_line) if header.issuer_line else ""
    if not header.issuer:
        return None, [Review("issued_by", "", "Không xác định được cơ quan ban hành: hãy điền issued_by")]
    refs = resolve(header.issuer, ids.registry, home=header.home)
    if refs and refs[0].kind != "agency" and header.place and fold(header.place) not in fold(header.issuer):
        with_place = resolve(f"{header.issuer} {header.place}", ids.registry, home=header.home)
        refs = with_place if with_place and with_place[0].kind == "agency" else refs
    issuer, reviews = ids.id_of(refs[0] if refs else None, line=header.issuer_line, user="issued_by", role="issued_by")
    if header.issuer_how == "signature":
        reviews.append(Review("issued_by", where, f"Cơ quan ban hành suy ra từ chữ ký (“{header.issuer}”) — kiểm tra lại"))
    return issuer, reviews


def _header_reviews(header: Header, source: SourceText) -> list[Review]:
    at = source.where
    out = []
    if not header.number:
        out.append(Review("number", "", "Không thấy số ký hiệu (“Số: .../KH-...”)"))
    elif not re.match(r"\d", header.number):
        out.append(Review("number", at(header.number_line), f"Số ký hiệu “{header.number}” chưa có số thứ tự"))
    if header.issued_on is None:
        out.append(Review("issued_on", at(header.date_line) if header.date_line else "",
                          "Không đọc được ngày ban hành (“..., ngày ... tháng ... năm ...”)"))
    if not header.title:
        out.append(Review("title", "", "Không thấy tên kế hoạch (dòng sau “KẾ HOẠCH”)"))
    if not header.is_plan:
        out.append(Review("title", "", "Không thấy tiêu đề “KẾ HOẠCH” hay số ký hiệu “/KH-”: văn bản có đúng là kế hoạch?"))
    return out


def _implements(header: Header, plans: Sequence[Mapping[str, Any]], source: SourceText) -> tuple[str | None, list[Review]]:
    imp = header.implements
    if imp is None or fold(imp.kind) != "ke hoach":
        return None, []
    known = next((p for p in plans if fold(str(p.get("number", ""))) == fold(imp.number)
                  and (imp.issued_on is None or str(p.get("issued_on", "")).startswith(str(imp.issued_on.year)))), None)
    if known:
        return str(known["id"]), []
    return None, [Review("implements", source.where(imp.line), f"Kế hoạch cấp trên ({imp.number}) chưa có trong cấu hình; "
                                                               "thêm implements: <mã kế hoạch> nếu nạp kế hoạch đó")]


def _plan_id(header: Header, place_slug: str) -> str:
    digits = re.match(r"\d+", header.number or "")
    parts = [place_slug or "ke-hoach", str(header.year or ""), digits.group(0) if digits else ""]
    return "-".join(p for p in parts if p)


def _default_timeframe(tasks: Sequence[TaskDraft]) -> tuple[str | None, list[Review]]:
    missing = [t.number for t in tasks if not t.timeframe]
    if not missing:
        return None, []
    shown = ", ".join(missing[:8]) + (", ..." if len(missing) > 8 else "")
    return DEFAULT_TIMEFRAME, [Review("default_timeframe", "", f"{len(missing)} nhiệm vụ không ghi thời gian thực hiện "
                                                               f"({shown}); tạm dùng “{DEFAULT_TIMEFRAME}” cho các nhiệm vụ này")]


def _fuzzy_reviews(ids: _Ids) -> list[Review]:
    return [Review("agencies", "", f"“{text}” được khớp gần đúng với “{ids.registry.name(agency)}” ({agency}) "
                                   f"ở nhiệm vụ {', '.join(dict.fromkeys(users))} — kiểm tra lại")
            for (text, agency), users in ids.fuzzy.items() if any(u != "focal" for u in users)]


def build_draft(source: SourceText, header: Header, found: Found, regime: Regime | None, registry: Registry,
                plans: Sequence[Mapping[str, Any]] = (), *, foreign: Registry | None = None) -> ImportResult:
    ids = _Ids(registry, source, header.place or "", foreign=foreign or Registry(similar=False))
    tasks = tuple(_task(t, ids, header) for t in found.tasks)
    issuer, reviews = _issuer(header, ids)
    focal, found_reviews = _focal(found.signals, regime, ids)
    reporting, reporting_reviews = _reporting(regime, focal, ids)
    implements, implements_reviews = _implements(header, plans, source)
    default, default_reviews = _default_timeframe(tasks)
    notes = [Review(n.field, source.where(n.line) if n.line else "", n.reason) for n in found.notes]
    review = (_header_reviews(header, source) + reviews + found_reviews + reporting_reviews + implements_reviews
              + default_reviews + notes + _fuzzy_reviews(ids))
    imp = header.implements
    plan = PlanDraft(_plan_id(header, slug(header.place) if header.place else ""), header.number, header.title,
                     header.place, issuer, header.issued_on, focal, implements, imp.text if imp else None,
                     imp.number if imp else None, reporting, default, tasks, tuple(review),
                     regime.onward if regime else None)
    proposals = tuple(ProposedAgency(p["id"], p["name"], p["level"], p["source"], tuple(dict.fromkeys(p["used_by"])),
                                     "nhóm cơ quan chung chưa có trong danh mục" if p["group"] else "chưa có trong danh mục",
                                     tuple(dict.fromkeys(a for a in p["aliases"] if a != p["name"])))
                      for p in ids.proposals.values())
    return ImportResult(source.name, plan, proposals, tuple(sorted(ids.matched)), len(ids.fuzzy))
