"""Where a plan and each registry agency belong, so names are matched only inside the issuer's tree (pure).

- An agency's place is that of its province-level ancestor (itself included): the first one up the chain of
  parents whose level is "province" or whose name reads "Ủy ban nhân dân tỉnh / thành phố X"; the place is X
  ("Nghệ An"). An agency with no such ancestor (a ministry, the Government) is national: it matches anywhere.
- The plan's place: national when the issuer is a national body (Thủ tướng, Chính phủ, Bộ ...); else the
  province named by the letterhead / issuer ("ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI"), else the place of the date line
  ("Thanh Lĩnh, ngày ..."), read as the province of the registry agency named after it (a commune's plan).
- `split_registry` gives the rows a plan may match (its province's tree and national bodies) and the others;
  a name found only among the others is proposed as a new agency of this place and flagged, never matched.
Parent chains are walked with a visited set: a cycle in bad data cannot loop.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from dondoc.importer.vn import fold, folded_key

_PROVINCE_NAME = re.compile(r"^(?:uy ban nhan dan|hoi dong nhan dan)\s+(?:tinh|thanh pho|tp)\s+(?P<place>.+)$")
_NATIONAL = re.compile(r"^(?:thu tuong|chinh phu|bo |van phong chinh phu|quoc hoi|uy ban thuong vu quoc hoi)")
_LEVEL_WORDS = re.compile(r"^(?:tinh|thanh pho|tp|xa|phuong|dac khu|thi tran|huyen|quan|thi xa)\s+")


def place_key(text: str | None) -> str:
    """'TP. Hồ Chí Minh', 'thành phố Hồ Chí Minh', 'Hồ Chí Minh' -> 'ho chi minh'."""
    key = folded_key(text or "")
    while (m := _LEVEL_WORDS.match(key)) is not None:
        key = key[m.end():]
    return key.strip()


def province_of_name(name: str) -> str:
    m = _PROVINCE_NAME.match(folded_key(name))
    return place_key(m["place"]) if m else ""


def agency_places(rows: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Registry id -> place key of its province ("" for national bodies)."""
    by_id = {str(r["id"]): r for r in rows if r.get("id")}
    out: dict[str, str] = {}
    for agency_id in by_id:
        seen: set[str] = set()
        node: str | None = agency_id
        place = ""
        while node is not None and node in by_id and node not in seen:
            seen.add(node)
            row = by_id[node]
            if str(row.get("level") or "") == "province" or province_of_name(str(row.get("name") or "")):
                place = province_of_name(str(row.get("name") or "")) or place_key(str(row.get("place") or ""))
                break
            node = row.get("parent")
        out[agency_id] = place
    return out


def plan_place(issuer: str | None, date_place: str | None, rows: Sequence[Mapping[str, Any]]) -> str | None:
    """The plan's province key, "" for a national plan, None when it cannot be told."""
    if issuer and _NATIONAL.match(folded_key(issuer)):
        return ""
    places = agency_places(rows)
    if issuer and (province := province_of_name(issuer)):
        return province
    local = place_key(date_place)
    if not local:
        return None
    if local in set(places.values()):
        return local
    named = {places[str(r["id"])] for r in rows if r.get("id") and _names_place(r, local)}
    return next(iter(named)) if len(named) == 1 else local


def _names_place(row: Mapping[str, Any], local: str) -> bool:
    return any(fold(folded_key(str(n))).endswith(" " + local) for n in [row.get("name"), *(row.get("aliases") or [])] if n)


def split_registry(rows: Sequence[Mapping[str, Any]], place: str | None) -> tuple[list[Mapping[str, Any]],
                                                                                list[Mapping[str, Any]]]:
    """(rows this plan may match, rows of other places). Unknown place: national bodies only."""
    places = agency_places(rows)
    inside, outside = [], []
    for row in rows:
        where = places.get(str(row.get("id")), "")
        (inside if where == "" or (place and where == place) else outside).append(row)
    return inside, outside
