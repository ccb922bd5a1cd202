"""The province shape: duties listed per agency under "TỔ CHỨC THỰC HIỆN" (pure).

    2. Trách nhiệm thực hiện
    2.3. Sở Y tế
    a) Chủ trì, tham mưu, ... các chỉ tiêu 3,4,5 ...
    b) Thực hiện các giải pháp ...

Each lettered duty is a task led by the heading's agency, numbered
"III.2.3.a". A heading with plain paragraphs instead of letters gives one
task "III.2.6", or, with several paragraphs, "III.2.14.a", "III.2.14.b" (our
letters, flagged). Several agencies in a heading: the first leads, the others
coordinate. A duty that names its own lead ("Đề nghị Đoàn TNCS ... tỉnh chủ
trì ...") is led by it. "phối hợp với X" in the text adds X to the
coordinating agencies; a timeframe in the text ("Định kỳ 6 tháng, 1 năm") is
taken, flagged.

Items of "Phân công" that are sentences rather than agency headings
("2.1. Công chức chính sách chủ trì tham mưu, tổng hợp báo cáo ...") are
general duties: they become tasks only when the plan has no other tasks.
Funding ("Kinh phí") and reporting ("Chế độ báo cáo") are not tasks.
"""
from __future__ import annotations

import re

from dondoc.importer.fields import (
    field_paragraph,
    indicators,
    subject_lead,
    support_in_text,
    timeframe_in_text,
)
from dondoc.importer.model import Context, Found, Note, Signal, Task, make_title
from dondoc.importer.names import (
    NameRef,
    is_agency_like,
    is_group,
    looks_like_heading,
    resolve,
)
from dondoc.importer.pointers import point
from dondoc.importer.regime import RECURS as _RECURS
from dondoc.importer.structure import Node, Para, walk
from dondoc.importer.vn import fold

_NOT_DUTIES = ("kinh phi", "che do bao cao", "che do thong tin bao cao", "bao cao dinh ky")
_LETTERS = "abcdđeghiklmnopqrstuvxy"          # the Vietnamese order: d, đ, e, g


_POINTER = re.compile(r"(?:nhiem vu|noi dung|giai phap|chi tieu)\b.{0,120}?(?:\btai\s+(?:muc|phu luc|diem|khoan|tiet|\()"
                      r"|\bphu luc\b|(?:neu|ghi|de ra|duoc giao|phan cong)\s+(?:tai|o)\s)")
_NOT_A_DUTY = re.compile(r"^(?:la co quan (?:dau moi|thuong truc)|(?:thuc hien\s+)?che do (?:thong tin,?\s+)?bao cao"
                         r"|bao cao dinh ky)")
_GROUP_LINE = re.compile(r"^(?:(?:chu tri|chu dong)\s*,?\s*)?(?:va\s+)?phoi hop(?:\s+voi)?\s+(?P<who>.+?)[:.]?$")


_FIELD_POINTER = re.compile(r"^chu tri,? (?:va )?phoi hop (?:trien khai|thuc hien) (?:cac )?nhiem vu\b[^;]{0,200}?"
                            r"\bcua (?:ke hoach|chuong trinh)\.?$")
_ONLY_THE_PLAN = re.compile(r"(?:to chuc|trien khai)(?:\s+\w+){0,3}\s+thuc hien(?:\s+\w+){0,2}\s+(?:ke hoach|cac nhiem vu)"
                            r"|(?:to chuc|trien khai) thuc hien (?:dam bao|theo dung|nghiem tuc)")


def is_pointer(text: str) -> bool:
    """A duty that only points elsewhere ("Chủ trì triển khai các nhiệm vụ tại mục IV.2 / tại Phụ lục"), or only
    says to carry the plan out ("Phối hợp ... tổ chức thực hiện kế hoạch theo đúng quy định")."""
    folded = fold(text)
    words = len(folded.split())
    return ((words <= 45 and bool(_POINTER.search(folded))) or (words <= 40 and bool(_ONLY_THE_PLAN.search(folded)))
            or (words <= 45 and bool(_FIELD_POINTER.match(folded.strip()))))


def _bullet_text(node: Node) -> str:
    return "\n".join([node.title] + [p.text for p in node.body] + [f"- {b.title}" for b in walk(node)[1:]])


def _group(letter: Node) -> str | None:
    """'a) Chủ trì, phối hợp với các sở, ngành ...' over '-' duties: the partners of every duty below."""
    bullets = [c for c in letter.children if c.kind == "bullet"]
    m = _GROUP_LINE.match(fold(letter.title).strip())
    if not bullets or not m or len(letter.title.split()) > 30:
        return None
    return letter.title[m.start("who"):m.end("who")]


def _units(heading: Node, rest: str) -> list[tuple[str, str, int, bool, str | None]]:
    """(suffix, text, line, lettered by us, partners of a group line) for each duty under an agency heading."""
    letters = [c for c in heading.children if c.kind == "letter"]
    bullets = [c for c in heading.children if c.kind == "bullet"]
    out: list[tuple[str, str, int, bool, str | None]] = []
    for letter in letters:
        partners = _group(letter)
        if partners is not None:
            out += [(f".{letter.label}-{i}", _bullet_text(b), b.line, False, partners)
                    for i, b in enumerate((c for c in letter.children if c.kind == "bullet"), 1)]
        else:
            out.append((f".{letter.label}", _bullet_text(letter), letter.line, False, None))
    if letters:
        return out
    paras = ([Para(heading.line, rest)] if rest else []) + heading.body
    if bullets:
        intro = [p for p in paras if len(p.text.split()) > 12 and not p.text.rstrip().endswith(":")]
        return ([("", p.text, p.line, False, None) for p in intro[:1]]
                + [(f"-{i}", _bullet_text(b), b.line, False, None) for i, b in enumerate(bullets, 1)])
    if len(paras) == 1:
        return [("", paras[0].text, paras[0].line, False, None)]
    return [(f".{_LETTERS[i]}", p.text, p.line, True, None) for i, p in enumerate(paras[: len(_LETTERS)])]


def _support(text: str, ctx: Context) -> tuple[list[NameRef], list[str]]:
    refs = [r for found in support_in_text(text) for r in resolve(found, ctx.registry, home=ctx.home)]
    return [r for r in refs if r.kind != "generic"], [r.text for r in refs if r.kind == "generic"]


def _duty(number: str, text: str, line: int, heading: list[NameRef], ctx: Context, ours: bool,
          partners: str | None = None) -> Task:
    lead, co = heading[0], [r for r in heading[1:] if r.kind != "generic"]
    notes = [Note("number", line, f"Văn bản không đánh số đoạn này; dondoc đặt số {number}")] if ours else []
    if (subject := subject_lead(text)) and (own := resolve(subject, ctx.registry, home=ctx.home)):
        if own[0].kind != "generic" and (own[0].agency_id != lead.agency_id or own[0].text != lead.text):
            lead, co = own[0], [r for r in own[1:] if r.kind != "generic"]
    if co:
        notes.append(Note("lead", line, f"Nhiều cơ quan cùng được giao ({', '.join(r.text for r in [lead, *co])}); "
                                        f"chọn “{lead.text}” làm chủ trì, các cơ quan còn lại đưa vào phối hợp"))
    support, generic = _support(text, ctx)
    if partners:
        group = [r for r in resolve(partners, ctx.registry, home=ctx.home) if r.kind != "generic"]
        support = group + [r for r in support if r.text not in {g.text for g in group}]
    timeframe = timeframe_in_text(text)
    if timeframe:
        notes.append(Note("timeframe", line, f"Thời hạn “{timeframe}” lấy từ nội dung nhiệm vụ (không có dòng "
                                             "“Thời gian thực hiện”) — kiểm tra lại"))
    return Task(number=number, title=make_title(text), text=text, line=line, lead=lead, lead_line=line,
                co_leads=tuple(co), support=tuple(support), also_named=tuple(generic),
                support_line=line if support else 0, timeframe=timeframe, timeframe_line=line if timeframe else 0,
                indicators=indicators(text), notes=tuple(notes))


def _names_only(text: str) -> bool:
    """'Gia Thuận, Tân Điền, Gò Công Đông': a list of proper names after the heading's colon, not a duty."""
    pieces = [p.strip() for p in re.split(r"[,;]| và ", text.strip(" .")) if p.strip()]
    return bool(pieces) and all(p[:1].isupper() and len(p.split()) <= 4 for p in pieces)


_FOCAL_WORD = re.compile(r"\bco quan (?:dau moi|thuong truc)\b(?:\W+\w+){0,8}?\W+(?:ke hoach|theo doi|tong hop|"
                         r"to chuc thuc hien|giup|tham muu|chu tri)")
_SUBJECT_END = re.compile(r"\s(?:co trach nhiem|chu tri|chu dong|tham muu|theo doi|la co quan|lam|thuc hien|to chuc|"
                          r"huong dan|chi dao|xay dung|tham gia|tien phong|trien khai|phoi hop|day manh|tang cuong|"
                          r"nghien cuu|tich cuc|can cu|bang|co lien quan|lien quan)\b")


def _subject(text: str) -> str | None:
    """'Bộ CHQS tỉnh tham mưu theo dõi ...' -> 'Bộ CHQS tỉnh' (a general duty's subject)."""
    text = re.sub(r"^(?:Đề nghị|Khuyến khích|Yêu cầu)\s+", "", text.strip())
    m = _SUBJECT_END.search(fold(text))
    subject = re.sub(r"^(?:Bộ trưởng|Giám đốc|Chủ tịch|Thủ trưởng|Trưởng ban)\s+", "", text[: m.start()].strip(" ,")) if m else ""
    subject = re.sub(r"\s+(?:và|cùng)(?:\s+các)?$", "", subject)     # "Mặt trận Tổ quốc ... và các [tổ chức]"
    return subject if 0 < len(subject.split()) <= 16 and (is_agency_like(subject) or is_group(subject)) else None


def _own_content(text: str) -> bool:
    """A pointer that also carries work of its own (a second sentence that is not the pointer)."""
    return len(re.split(r"(?<=[.;])\s", text.strip())) > 1 and len(text.split()) > 45


def _focal_role(folded: str) -> bool:
    """'Chủ trì, theo dõi, kiểm tra, đôn đốc việc thực hiện ... Kế hoạch này': the focal's own role."""
    first = re.split(r"(?<=[.;])\s", folded, maxsplit=1)[0]
    return len(first.split()) <= 60 and "theo doi" in first and "don doc" in first and "ke hoach" in first


def _agency_duties(heading: Node, refs: list[NameRef], prefix: str, ctx: Context, found: Found) -> None:
    _, _, rest = heading.title.partition(":")
    if rest.strip() and _names_only(rest) and len(refs) == 1:
        refs, rest = [NameRef(heading.title.rstrip(" .:"), refs[0].kind, refs[0].agency_id, refs[0].how)], ""
    for suffix, text, line, ours, partners in _units(heading, rest.strip()):
        folded = fold(text)
        bullet = "-" in suffix
        if is_pointer(text) and point(found, ctx.root, text, refs[0], line) and not _own_content(text):
            continue
        if bullet and (_NOT_A_DUTY.match(folded) or _focal_role(folded)) or is_pointer(text):
            if _FOCAL_WORD.search(folded) or "theo doi" in folded:
                found.signals.append(Signal("dau-moi" if _FOCAL_WORD.search(folded) else "tong-hop", refs[0], line))
            found.notes.append(Note("tasks", line, f"Đoạn “{make_title(text, 60)}” chỉ dẫn tới nhiệm vụ khác hoặc "
                                                   "là vai trò đầu mối/báo cáo: không nhập thành nhiệm vụ riêng"))
            continue
        task = _duty(f"{prefix}{heading.label}{suffix}", text, line, refs, ctx, ours, partners)
        found.tasks.append(task)
        if _FOCAL_WORD.search(folded) and task.lead is not None:
            found.signals.append(Signal("dau-moi", task.lead, line))
    if [c for c in heading.children if c.kind == "letter"] and heading.body:
        found.notes.append(Note("tasks", heading.body[0].line, f"Đoạn không đánh số dưới mục {heading.label} "
                                                               "chưa được nhập thành nhiệm vụ — kiểm tra lại"))


def _general(node: Node, prefix: str, ctx: Context, found: Found) -> None:
    """'2.1. Công chức chính sách chủ trì tham mưu, tổng hợp báo cáo ...'."""
    text = "\n".join([node.title] + [p.text for p in node.body])
    inline = field_paragraph(Para(node.line, node.title))
    subject = (subject_lead(node.title) or (inline[0].text if inline and inline[0].kind == "lead" else None)
               or _subject(node.title))
    refs = resolve(subject, ctx.registry, home=ctx.home) if subject else []
    lead = refs[0] if refs and refs[0].kind != "generic" else None
    task = Task(number=f"{prefix}{node.label}", title=make_title(node.title), text=text, line=node.line,
                lead=lead, lead_line=node.line if lead else 0, support=tuple(_support(text, ctx)[0]),
                indicators=indicators(text),
                notes=() if lead else (Note("lead", node.line, "Không xác định được cơ quan chủ trì"),))
    found.general.append(task)
    folded = fold(text)
    if lead is not None and (("tong hop" in folded and "bao cao" in folded) or _FOCAL_WORD.search(folded)
                             or ("theo doi" in folded and "don doc" in folded)):
        found.signals.append(Signal("tong-hop", lead, node.line))


def _visit(node: Node, prefix: str, ctx: Context, found: Found, *, general: bool = True) -> None:
    if fold(node.title).startswith(_NOT_DUTIES):
        return
    refs = looks_like_heading(node.title.partition(":")[0], ctx.registry, home=ctx.home) if node.kind != "bullet" else None
    if refs:
        _agency_duties(node, refs, prefix, ctx, found)
    elif node.children:
        for child in node.children:
            _visit(child, prefix, ctx, found, general=general)
    elif general:
        _general(node, prefix, ctx, found)


def heading_tasks(section: Node, ctx: Context, found: Found) -> int:
    """Duties under agency headings in any section ("IV. NHIỆM VỤ CỤ THỂ / 1. Sở X: - ..."); the count found."""
    before = len(found.tasks)
    for child in section.children:
        _visit(child, f"{section.label}.", ctx, found, general=False)
    return len(found.tasks) - before


_GENERIC_DUTY = re.compile(r"^(?:can cu|tren co so|trong qua trinh|yeu cau)\b|\bke hoach (?:trien khai|cu the|thuc hien)\b"
                           r"|\bbo tri\b.{0,40}\bkinh phi\b|\bdu toan\b")


_CARRY_OUT = re.compile(r"(?:trien khai|thuc hien)[, ]+(?:thuc hien\s+)?(?:tot\s+)?(?:cac hoat dong cua\s+)?ke hoach\b"
                        r"|xay dung ke hoach va")


def _named_duty(task: Task) -> bool:
    """A numbered sentence of TỔ CHỨC THỰC HIỆN that gives a named body work of its own ("15. Báo ... chủ động
    phối hợp ... xây dựng kế hoạch tuyên truyền", "16. Khuyến khích Đoàn Thanh niên ..."), not the focal's role,
    the reporting regime, funding or "everyone carries the plan out"."""
    folded = fold(task.text)
    return (task.lead is not None and not _focal_role(folded) and not is_pointer(task.text)
            and not ("tong hop" in folded and "bao cao" in folded) and not _GENERIC_DUTY.search(folded)
            and not (_RECURS.search(folded) and "bao cao" in folded)
            and not (len(folded.split()) <= 40 and _CARRY_OUT.search(folded)))


def organisation_tasks(section: Node, ctx: Context, found: Found) -> None:
    """Duties of a 'TỔ CHỨC THỰC HIỆN' section; general duties are noted in the plan's review."""
    before = len(found.general)
    for child in section.children:
        _visit(child, f"{section.label}.", ctx, found)
    general = found.general[before:]
    if found.tasks:
        duties = [t for t in general if _named_duty(t)]
        found.tasks += duties
        general = [t for t in general if t not in duties]
        found.general = found.general[:before] + general
    if general and found.tasks:
        numbers = ", ".join(t.number for t in general)
        found.notes.append(Note("tasks", general[0].line, f"Các mục phân công chung ({numbers}) không nhập thành "
                                "nhiệm vụ vì nhiệm vụ đã được giao ở các mục trên; dùng để xác định cơ quan đầu mối"))
