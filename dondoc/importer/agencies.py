"""Agency registry lookup: a name as written -> an agency id, and how sure we are (pure).

Tiers, first hit wins:
  exact      name or alias, compared on `name_key` (dashes, "&", abbreviations,
             tone placement and case do not matter; diacritics do)
  qualified  the same after adding the level the text implies ("Tòa án nhân
             dân, Viện kiểm sát nhân dân tỉnh" -> "... tỉnh"; a bare "Công an"
             in a province plan -> "Công an tỉnh")
  -- fuzzy tiers: the importer flags every one of them for review --
  folded     the same without diacritics
  stripped   equal once the level and place are dropped ("UBND xã Thanh Lĩnh"
             ~ "UBND cấp xã"); several candidates are narrowed by the level word
  group      a plural phrase that starts with a group's name or alias
             ("các ban, ngành, tổ chức liên quan" ~ "các ban, ngành")
  prefix     the text is the start of exactly one name ("Viện kiểm sát nhân")
  similar    difflib ratio >= 0.9 with one clear best (typos)
Several agencies on the exact tiers give an `ambiguous` match: never a guess.
"""
from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from dondoc.importer.vn import fold, name_key

FUZZY = frozenset({"folded", "stripped", "group", "prefix", "similar"})
HOW_VI = {
    "folded": "khớp khi bỏ dấu",
    "stripped": "khớp khi bỏ cấp/địa danh",
    "group": "đọc là nhóm",
    "prefix": "khớp phần đầu tên",
    "similar": "tên gần giống",
}
# "quận" is left out: folded it is "quan", as in "cơ quan".
_LEVEL = r"(?:cap\s+)?(?:xa(?! hoi)|phuong|thi tran|huyen|thi xa|thanh pho|tinh)"
_HAS_LEVEL = re.compile(rf"(?:^|\s){_LEVEL}(?:\s|$)")
_TRAILING_LEVEL = re.compile(rf"\s+{_LEVEL}(?:\s+\S+){{0,3}}$")


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    level: str = ""
    parent: str | None = None


@dataclass(frozen=True)
class Match:
    text: str
    agency_id: str | None = None
    how: str = "none"               # exact | qualified | FUZZY tiers | ambiguous | none
    candidates: tuple[str, ...] = ()

    @property
    def fuzzy(self) -> bool:
        return self.how in FUZZY


def has_level(folded: str) -> bool:
    return bool(_HAS_LEVEL.search(folded))


def strip_level(folded: str) -> str:
    return _TRAILING_LEVEL.sub("", folded).strip()


_PLURAL = re.compile(r"^(?:cac|nhung)\s|^(?:uy ban nhan dan|hoi dong nhan dan|ubnd|hdnd|cong an|tram y te|truong)"
                     r"(?:\s+cap\s+\w+)?\s+cac\s")


def is_plural(folded: str) -> bool:
    """'các sở, ngành', 'UBND các xã' name a group; 'Ban Quản lý các khu công nghiệp' is one body."""
    return bool(_PLURAL.match(folded))


class Registry:
    """Index of agency names and aliases; built once per import."""

    def __init__(self, agencies: Iterable[Mapping[str, Any]] = (), *, similar: bool = True) -> None:
        self.similar = similar                    # the difflib tier (off for the draft's own proposals)
        self.agencies: dict[str, Agency] = {}
        self._exact: dict[str, set[str]] = defaultdict(set)
        self._folded: dict[str, set[str]] = defaultdict(set)
        self._stripped: dict[str, set[str]] = defaultdict(set)
        self._groups: list[tuple[str, str]] = []
        self._levels: dict[str, set[str]] = defaultdict(set)
        self._stripped_prefix: dict[str, set[str]] = defaultdict(set)   # proper beginnings of stripped names
        self._prefixes: set[str] = set()          # every word-boundary beginning of a folded name
        self.memo: dict[tuple[str, str], Any] = {}  # resolve() results, per (text, home): one registry, one import
        for row in agencies:
            if row.get("id") and row.get("name"):
                self._add(row)

    def add(self, row: Mapping[str, Any]) -> None:
        """One more agency (the draft's proposals grow one by one)."""
        self._add(row)

    def _add(self, row: Mapping[str, Any]) -> None:
        agency = Agency(str(row["id"]), str(row["name"]), str(row.get("level") or ""), row.get("parent"))
        self.agencies[agency.id] = agency
        for name in [agency.name, *(row.get("aliases") or [])]:
            key = name_key(str(name))
            if not key:
                continue
            folded = fold(key)
            self._exact[key].add(agency.id)
            self._folded[folded].add(agency.id)
            self._stripped[strip_level(folded)].add(agency.id)
            stripped = strip_level(folded).split()
            for n in range(1, len(stripped)):
                self._stripped_prefix[" ".join(stripped[:n])].add(agency.id)
            words = folded.split()
            self._prefixes.update(" ".join(words[:n]) for n in range(1, len(words) + 1))
            self._levels[agency.id].update(re.findall(_LEVEL, folded))
            if is_plural(folded):
                self._groups.append((folded, agency.id))

    def name(self, agency_id: str) -> str:
        return self.agencies[agency_id].name if agency_id in self.agencies else agency_id

    def starts_a_name(self, text: str) -> bool:
        """True when some name or alias begins with this text ("các ban, ngành, đoàn thể" ...)."""
        key = fold(name_key(text))
        return bool(key) and key in self._prefixes

    def knows(self, text: str) -> bool:
        """True when the text is a name or alias as written (exact tier only)."""
        return name_key(text) in self._exact

    def match(self, text: str, *, qualifiers: tuple[str, ...] = ()) -> Match:
        key = name_key(text)
        if not key:
            return Match(text)
        tries = [(f"{key} {q}", "qualified") for q in qualifiers if q and not has_level(fold(key))] + [(key, "exact")]
        for index, name in ((self._exact, "exact"), (self._folded, "folded")):
            for candidate, how in tries:
                ids = index.get(candidate if name == "exact" else fold(candidate))
                if ids:
                    return self._pick(text, ids, how if name == "exact" else "folded", qualifiers)
        return self._fuzzy(text, fold(key), qualifiers)

    def _fuzzy(self, text: str, folded: str, qualifiers: tuple[str, ...]) -> Match:
        if is_plural(folded):
            return self._group(text, folded)
        stripped = strip_level(folded)
        if ids := self._stripped.get(stripped):
            return self._pick(text, ids, "stripped", qualifiers + tuple(re.findall(_LEVEL, folded)))
        if len(stripped.split()) >= 3:
            if ids := self._stripped_prefix.get(stripped):
                return self._pick(text, ids, "prefix", qualifiers)
        return self._similar(text, stripped, qualifiers)

    def _group(self, text: str, folded: str) -> Match:
        hits = [(len(key), agency_id) for key, agency_id in self._groups if folded == key or folded.startswith(key + " ")]
        if not hits:
            return Match(text)
        longest = max(hits)[0]
        ids = {agency_id for length, agency_id in hits if length == longest}
        return Match(text, next(iter(ids)), "group") if len(ids) == 1 else Match(text, None, "ambiguous", tuple(sorted(ids)))

    def _similar(self, text: str, stripped: str, qualifiers: tuple[str, ...]) -> Match:
        if len(stripped) < 8 or not self.similar:
            return Match(text)
        keys = [k for k in self._stripped if not is_plural(k)]
        close = difflib.get_close_matches(stripped, keys, n=2, cutoff=0.9)
        if not close or (len(close) == 2 and close[1] != close[0] and self._stripped[close[1]] != self._stripped[close[0]]):
            return Match(text)
        found = self._pick(text, self._stripped[close[0]], "similar", qualifiers)
        return found if found.agency_id else Match(text)

    def _pick(self, text: str, ids: set[str], how: str, qualifiers: tuple[str, ...]) -> Match:
        if len(ids) == 1:
            return Match(text, next(iter(ids)), how)
        words = {fold(q).replace("cap ", "") for q in qualifiers if q}
        narrowed = {i for i in ids if {w.replace("cap ", "") for w in self._levels[i]} & words}
        if len(narrowed) == 1:
            return Match(text, next(iter(narrowed)), how)
        return Match(text, None, "ambiguous", tuple(sorted(ids)))
