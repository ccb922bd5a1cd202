"""A list of agencies as written ("Công chức văn hóa, Đoàn xã, các trường học")
-> one reference per agency (pure).

Splitting: ";" and "," always; " và " and " - " only when what follows starts
a new agency ("HĐND và UBND cấp xã", "Hội đồng nhân dân - Ủy ban nhân dân"),
so "Sở Lao động - Thương binh và Xã hội" stays whole. A plural phrase keeps
the bare nouns that follow it ("các ban, ngành, tổ chức, đơn vị liên quan").

Each piece is then an `agency` (registry match), `ambiguous`, `new` (looks
like an agency but is not in the registry: to be proposed) or `generic`
(gia đình, trẻ em, "các tổ chức, đơn vị liên quan": nobody to remind).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from dondoc.importer.agencies import Match, Registry, is_plural
from dondoc.importer.vn import clean, fold, folded_key, name_key

_ANY_CASE = ("uy ban", "hoi dong nhan dan", "cong chuc", "can bo", "cong an", "tram y te", "truong ", "toa an",
             "vien kiem sat", "mat tran", "trung tam", "hoi lien hiep", "hoi nong dan", "hoi cuu chien binh",
             "doan thanh nien", "tinh doan", "huyen doan", "ban chi huy", "ban dan toc", "ban dieu hanh",
             "ban chi dao", "benh vien", "bao hiem xa hoi", "kho bac", "chi cuc", "lien doan lao dong", "doan xa",
             "hoi phu nu", "cong doan", "dang uy", "van phong", "phong giao duc", "phong lao dong",
             "to chuc chinh tri")
_CAPITALISED = ("so ", "phong ", "bo ", "cuc ", "ban ", "hoi ", "doan ", "vien ", "dai ", "thanh tra", "tong cuc",
                "bao va ", "bao nhan dan", "bao dien tu", "cong thong tin", "cong ty", "tong cong ty", "lien minh",
                "hiep hoi", "ngan hang", "bo chi huy", "tinh uy", "thanh uy", "quy ", "kiem toan", "toa an")
_JOINERS = re.compile(r"\s+(?:và|[-–—])\s+")
_LEADING = re.compile(r"^(?:(?:cơ quan |đơn vị )?(?:chủ trì|phối hợp)(?: với)?\s*:?\s*|với\s+|đề nghị\s+)+", re.IGNORECASE)
_DISTRIBUTIVE = re.compile(r"\s((?:cấp\s+)?(?:xã|phường|thị trấn|huyện|quận|thị xã|thành phố|tỉnh))$")
_VERBS = ("chu tri", "phoi hop", "thuc hien", "trien khai", "xay dung", "tham muu", "huong dan", "to chuc thuc")


@dataclass(frozen=True)
class NameRef:
    text: str                       # as written
    kind: str                       # agency | ambiguous | new | generic
    agency_id: str | None = None
    how: str = ""                   # the registry tier for agencies
    candidates: tuple[str, ...] = ()

    @property
    def named(self) -> bool:
        """An agency to remind: matched, or new (to be proposed)."""
        return self.kind in ("agency", "new")


def is_agency_like(text: str) -> bool:
    """Starts like the name of a body ("Sở ...", "Công chức ...", "UBND ..."), not a plural group."""
    key = folded_key(text)
    if is_plural(key) or len(key.split()) > 16:
        return False
    if key.startswith(_ANY_CASE):
        return True
    return text[:1].isupper() and key.startswith(_CAPITALISED)


def tidy(text: str) -> str:
    """Drop a leading label ("Chủ trì:", "với", "Đề nghị") and trailing punctuation."""
    return _LEADING.sub("", clean(text)).strip(" .;:,)(").strip()


_SECOND_DEPARTMENT = re.compile(r"(?<=\w\w)\s+(?=Sở\s+[A-ZĐ])")


def _split_joined(part: str) -> list[str]:
    pieces = [re.sub(r"\s+(?:và|[-–—])$", "", p) for p in _SECOND_DEPARTMENT.split(part) if p]
    if len(pieces) > 1 and all(len(p.split()) >= 2 for p in pieces):
        return [q for p in pieces for q in _split_joined(p)]
    out, start = [], 0
    for m in _JOINERS.finditer(part):
        right = part[m.end():]
        if is_agency_like(right) or fold(right).startswith("cac "):
            out.append(part[start:m.start()])
            start = m.end()
    out.append(part[start:])
    return [p.strip(" .") for p in out if p.strip(" .")]


def _open_list(previous: str, registry: Registry) -> bool:
    """A plural phrase, or a bare lower-case noun, goes on with the nouns after it
    (not a phrase the registry knows as written: it stays an exact match)."""
    if registry.knows(previous):
        return False
    if is_plural(folded_key(previous)) or _bare_group_noun(previous.split(",")[0]):   # "Sở, ban, ngành"
        return True
    return previous[:1].islower() and not is_agency_like(previous) and not registry.knows(previous)


def split_names(text: str, registry: Registry) -> list[str]:
    """Names in a list; ";" ends a phrase, so nothing is merged across it."""
    out: list[str] = []
    for chunk in re.split(r"\s*;\s*", re.sub(r"\s*\([^()]*(?:\)|$)", "", tidy(text))):
        pieces = [p for part in re.split(r"\s*,\s*", chunk) for p in _split_joined(part)]
        out.extend(_merge(pieces, registry))
    return out


_LEVEL_ONLY = re.compile(r"^(?:xa|phuong|thi tran|dac khu|huyen|quan|thi xa|thanh pho|tinh)$")
_ENDS_WITH_LEVEL = re.compile(r"(?:^|\s)(?:xa|phuong|thi tran|dac khu|huyen|thi xa|thanh pho|tinh)$")


_BARE_GROUP = re.compile(r"^(?:so|ban|nganh|doan the|hoi|dia phuong|co quan|don vi|to chuc|bo)$")


def _bare_group_noun(piece: str) -> bool:
    return bool(_BARE_GROUP.match(fold(piece).strip()))


_NOT_A_NAME_PART = ("gia dinh", "tre em", "nguoi", "nhan dan", "cong dong", "cac ", "co quan", "don vi", "to chuc",
                    "ca nhan", "doanh nghiep", "hoc sinh", "dia phuong", "ban", "nganh", "doan the", "xa", "phuong",
                    "thon", "hoi", "truong", "lien quan", "nha ", "dac khu", "dai ", "bao chi", "phu nu", "thanh nien")


def _continues_a_name(previous: str, piece: str, registry: Registry) -> bool:
    """A capitalised piece that names no body of its own goes on with the name before it."""
    if piece[:1].islower():                         # "Trung tâm Xúc tiến đầu tư, thương mại và du lịch"
        return (is_agency_like(previous) and not registry.knows(previous) and not registry.knows(piece)
                and len(piece.split()) <= 5 and not fold(piece).startswith(_NOT_A_NAME_PART))
    return (piece[:1].isupper() and not is_agency_like(piece) and not is_group(piece) and not registry.knows(piece)
            and not registry.knows(previous) and (is_agency_like(previous) or is_group(previous))
            and not _bare_group_noun(piece)
            and len(piece.split()) <= 6)


def _merge(pieces: list[str], registry: Registry) -> list[str]:
    merged: list[str] = []
    for piece in pieces:
        if merged and _LEVEL_ONLY.match(fold(piece).strip()) and _ENDS_WITH_LEVEL.search(fold(merged[-1]).strip()):
            merged[-1] = f"{merged[-1]}, {piece}"           # "UBND các xã, phường", "UBND xã, phường, đặc khu"
            continue
        joined = f"{merged[-1]}, {piece}" if merged else piece
        continues = merged and (piece[:1].islower() or _bare_group_noun(piece)) and _open_list(merged[-1], registry)
        if merged and _continues_a_name(merged[-1], piece, registry):
            merged[-1] = joined                             # "Sở Văn hóa, Thể thao và Du lịch"
            continue
        if (continues and not is_agency_like(piece) and not registry.knows(piece)) or (
                merged and registry.knows(merged[-1]) and registry.starts_a_name(joined)):
            merged[-1] = joined
        else:
            merged.append(piece)
    return merged


_GROUP_NOUNS = ("so", "ban", "nganh", "bo", "xa", "phuong", "doanh nghiep", "hoi", "doan the", "to chuc chinh tri",
                "truong", "co so", "huyen", "tinh", "dia phuong", "thon", "ngan hang", "hiep hoi", "tap doan",
                "don vi su nghiep", "chi cuc", "trung tam", "benh vien", "nha mang", "dac khu", "lien doan",
                "co quan bao chi", "co quan thong tan", "co quan ngang bo", "co quan thuoc", "bo nganh")
_NOBODY = re.compile(r"(?:co )?lien quan$|^cac (?:co quan|don vi|to chuc|ca nhan|cap|nganh lien quan)\b(?!\s+(?:thuoc|truc))")


def is_group(text: str) -> bool:
    """A group of bodies a coordinator can name ("Các sở, ban, ngành", "UBND các xã, phường"), not a
    phrase naming nobody ("các cơ quan, đơn vị liên quan")."""
    key = folded_key(text.split(",")[0])           # "Các doanh nghiệp viễn thông, tổ chức, cá nhân có liên quan"
    if not is_plural(key) or _NOBODY.search(key):
        return False
    rest = re.sub(r"^(?:(?:uy ban nhan dan|hoi dong nhan dan|cong an)(?:\s+cap\s+\w+)?\s+)?(?:cac|nhung)\s+", "", key)
    return rest.startswith(_GROUP_NOUNS)


def _ref(piece: str, match: Match, registry: Registry) -> NameRef:
    if not match.agency_id and match.how != "ambiguous" and piece[:1].islower() and not is_agency_like(piece):
        plural = registry.match(f"các {piece}")      # "ban, ngành liên quan" is "các ban, ngành"
        match = plural if plural.how == "group" else match
    if match.agency_id:
        return NameRef(piece, "agency", match.agency_id, match.how)
    if match.how == "ambiguous":
        return NameRef(piece, "ambiguous", None, "ambiguous", match.candidates)
    if is_agency_like(piece):
        return NameRef(piece, "new")
    if not is_group(piece):
        return NameRef(piece, "generic")
    head, _, tail = piece.partition(",")
    if tail and re.search(r"lien quan$", fold(tail).strip()) and fold(tail).strip().startswith(
            ("to chuc", "ca nhan", "don vi", "co quan")):
        piece = head.strip()                        # "Các doanh nghiệp viễn thông, tổ chức, cá nhân có liên quan"
    return NameRef(piece, "new", None, "group")


def resolve(text: str, registry: Registry, *, home: str = "") -> list[NameRef]:
    """Every piece of a list of names, matched against the registry (memoised on the registry)."""
    if (text, home) not in registry.memo:
        registry.memo[(text, home)] = _resolve(text, registry, home)
    return list(registry.memo[(text, home)])


def _resolve(text: str, registry: Registry, home: str) -> list[NameRef]:
    pieces = split_names(text, registry)
    if not pieces:
        return []
    found = _DISTRIBUTIVE.search(name_key(pieces[-1]))
    qualifiers = tuple(q for q in (found.group(1) if found else "", home) if q)
    return [_ref(p, registry.match(p, qualifiers=qualifiers), registry) for p in pieces]


def looks_like_heading(text: str, registry: Registry, *, home: str = "") -> list[NameRef] | None:
    """The references of a heading made only of agency names ("2.3. Sở Y tế"), else None."""
    head = tidy(text)
    folded = fold(head)
    if not head or len(head.split()) > 30:
        return None
    refs = resolve(head, registry, home=home)
    names_only = refs and all(r.named and len(r.text.split()) <= 12 for r in refs) and is_agency_like(refs[0].text)
    if not names_only and any(f" {v} " in f" {folded} " for v in _VERBS):     # "Sở Xây dựng" is a name
        return None
    if not refs or not refs[0].named and refs[0].kind != "ambiguous":
        return None
    return refs if refs[0].kind != "generic" else None
