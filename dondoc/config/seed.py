"""A province's agency registry from the official administrative tree.

`seed_registry(provinces, bodies, ...)` is pure: province rows (from the
`vietnam-provinces` package, read by `official_provinces`) and the standard
provincial bodies (`data/provincial_bodies.yaml`, read by `standard_bodies`)
in, agency rows in the config format out. `to_yaml` writes them with the
unknown emails flagged; only the command writes the file.

Ids (stable: built from official codes, never from positions or dates):
- the provincial People's Committee: `ubnd-tinh-<2-digit code>-<slug>`
  (also for the centrally-run cities: "tinh" is the level, not the title);
- a provincial body: `<body key>-<2-digit code>-<slug>`, e.g. `so-y-te-75-dong-nai`;
- a commune, ward or special zone: `ubnd-<xa|phuong|dac-khu>-<5-digit code>-<slug>`;
- the groups: `ubnd-cac-xa-phuong-<code>-<slug>`, `cac-so-ban-nganh-<code>-<slug>`.
The slug is the package's codename; the code alone is what makes the id unique.
"""
from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

BODIES_FILE = Path(__file__).parent / "data" / "provincial_bodies.yaml"
CITY = "thành phố trung ương"
COMMUNE_TYPES = {"xã": "xa", "phường": "phuong", "đặc khu": "dac-khu"}


class SeedError(ValueError):
    """A bilingual one-line reason the seed cannot be built."""


@dataclass(frozen=True)
class CommuneRow:
    code: int
    name: str  # as the package writes it: "Phường Biên Hòa"
    kind: str  # xã | phường | đặc khu
    codename: str


@dataclass(frozen=True)
class ProvinceRow:
    code: int
    name: str  # "Đồng Nai", "Thành phố Hà Nội"
    kind: str  # tỉnh | thành phố trung ương
    codename: str
    communes: tuple[CommuneRow, ...] = ()


@dataclass(frozen=True)
class Body:
    key: str
    level: str
    name: str
    aliases: tuple[str, ...] = ()
    under: str | None = None
    conditional: bool = False
    only: tuple[int, ...] = ()  # province codes that may have it (empty: any)
    names_by_code: dict[int, str] = field(default_factory=dict)
    successor: str | None = None  # abolished in 2025: seeded inactive under this body
    note: str = ""


@dataclass
class Seed:
    """Agency rows (config format, parents before children), and the ids of
    the conditional bodies among them (flagged in the file)."""

    agencies: list[dict[str, Any]] = field(default_factory=list)
    conditional: set[str] = field(default_factory=set)
    abolished: dict[str, str] = field(default_factory=dict)  # id -> where else its work went
    provinces: int = 0
    communes: int = 0

    @property
    def without_email(self) -> int:
        return sum(1 for a in self.agencies if not a["email"] and a.get("active", True))


def official_provinces() -> list[ProvinceRow]:
    """Every province with its communes, as the installed package lists them."""
    from vietnam_provinces import Province, Ward

    by_province: dict[int, list[CommuneRow]] = {}
    for w in Ward.iter_all():
        by_province.setdefault(int(w.province_code), []).append(
            CommuneRow(int(w.code), w.name, w.division_type.value, w.codename))
    return [ProvinceRow(int(p.code), p.name, p.division_type.value, p.codename,
                        tuple(sorted(by_province.get(int(p.code), []), key=lambda c: c.code)))
            for p in sorted(Province.iter_all(), key=lambda p: int(p.code))]


def package_version() -> str:
    import vietnam_provinces

    return f"vietnam-provinces {vietnam_provinces.__version__} (data {vietnam_provinces.__data_version__})"


def standard_bodies(path: Path = BODIES_FILE) -> list[Body]:
    """The bodies of the data file, then the abolished ones (after their successors)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [_body_of(r) for r in data["bodies"]] + [_body_of(dict(r, level="department")) for r in data["abolished"]]


def _body_of(r: dict[str, Any]) -> Body:
    return Body(key=r["key"], level=r["level"], name=r["name"], aliases=tuple(r.get("aliases", ())),
                under=r.get("under"), conditional=bool(r.get("conditional")), only=tuple(r.get("only", ())),
                names_by_code={int(k): v for k, v in (r.get("names_by_code") or {}).items()},
                successor=r.get("successor"), note=r.get("note", ""))


def fold(text: str) -> str:
    """Lower case, no diacritics, đ -> d, single spaces: for matching names typed by hand."""
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).lower().replace("-", " ").replace("_", " ").split())


def find_province(provinces: Iterable[ProvinceRow], wanted: str) -> ProvinceRow:
    """By official code ("75", "075") or name ("Đồng Nai", "dong nai", "Thành phố Hà Nội", "Hà Nội")."""
    rows = list(provinces)
    text = wanted.strip()
    if text.isdigit():
        found = [p for p in rows if p.code == int(text)]
    else:
        key = _bare(fold(text))
        found = [p for p in rows if key in (_bare(fold(p.name)), fold(p.codename))]
    if len(found) != 1:
        raise SeedError(f"không có tỉnh, thành phố '{wanted}' trong danh mục (34 tỉnh, thành phố; ví dụ 'Đồng Nai' hoặc "
                        f"mã '75') / no province '{wanted}' in the official list (give its name or code)")
    return found[0]


def _bare(folded: str) -> str:
    """Without a leading "tỉnh", "thành phố" or "TP." (folded)."""
    for prefix in ("tinh ", "thanh pho ", "tp. ", "tp.", "tp "):
        if folded.startswith(prefix):
            return folded[len(prefix):].strip()
    return folded


def place_name(p: ProvinceRow) -> str:
    """"Đồng Nai", "Hà Nội": the name without "Thành phố"."""
    return p.name[len("Thành phố "):] if p.kind == CITY and p.name.startswith("Thành phố ") else p.name


def _slug(codename: str) -> str:
    return codename.replace("_", "-")


def _words(p: ProvinceRow) -> dict[str, str]:
    unit = "thành phố" if p.kind == CITY else "tỉnh"
    of = p.name if p.kind == CITY else f"tỉnh {p.name}"
    return {"of": of, "unit": unit, "place": place_name(p)}


def _row(id_: str, name: str, level: str, parent: str | None, aliases: Iterable[str]) -> dict[str, Any]:
    unique = list(dict.fromkeys(a for a in aliases if a != name))
    return {"id": id_, "name": name, "level": level, "parent": parent, "email": "", "aliases": unique}


def root_id(p: ProvinceRow) -> str:
    return f"ubnd-tinh-{p.code:02d}-{_slug(p.codename)}"


def _root(p: ProvinceRow) -> dict[str, Any]:
    w = _words(p)
    return _row(root_id(p), f"Ủy ban nhân dân {w['of']}", "province", None,
                [f"UBND {w['of']}", f"UBND {w['unit']} {w['place']}", f"Ủy ban nhân dân {w['unit']} {w['place']}",
                 f"UBND {w['unit']}", f"Ủy ban nhân dân {w['unit']}"])


def _body(p: ProvinceRow, b: Body) -> dict[str, Any]:
    w = _words(p)
    name = b.names_by_code.get(p.code) or b.name.format(**w)
    above = b.successor or b.under
    parent = f"{above}-{p.code:02d}-{_slug(p.codename)}" if above else root_id(p)
    aliases = [a.format(**w) for a in b.aliases] + ([b.name.format(**w)] if name != b.name.format(**w) else [])
    row = _row(f"{b.key}-{p.code:02d}-{_slug(p.codename)}", name, b.level, parent, aliases)
    if b.successor:
        row["active"] = False
    return row


def _commune(p: ProvinceRow, c: CommuneRow) -> dict[str, Any]:
    if c.kind not in COMMUNE_TYPES or not c.name.lower().startswith(c.kind):
        raise SeedError(f"đơn vị '{c.name}' (mã {c.code}): loại '{c.kind}' không rõ / unknown division type")
    own = c.name[len(c.kind):].strip()
    short = c.codename.split("_", 2 if c.kind == "đặc khu" else 1)[-1]
    w = _words(p)
    return _row(f"ubnd-{COMMUNE_TYPES[c.kind]}-{c.code:05d}-{_slug(short)}", f"Ủy ban nhân dân {c.kind} {own}",
                "commune", root_id(p), [f"UBND {c.kind} {own}", f"UBND {c.kind} {own}, {w['of']}"])


def _commune_group(p: ProvinceRow) -> dict[str, Any]:
    return _row(f"ubnd-cac-xa-phuong-{p.code:02d}-{_slug(p.codename)}", "Ủy ban nhân dân các xã, phường", "group",
                root_id(p), ["UBND cấp xã", "Ủy ban nhân dân cấp xã", "UBND các xã, phường, đặc khu",
                             "Ủy ban nhân dân các xã, phường, đặc khu", "UBND các xã, phường", "UBND các phường, xã",
                             "UBND các phường xã", "Ủy ban nhân dân các phường, xã", "UBND các xã",
                             "UBND các phường, xã, đặc khu"])


def _body_group(p: ProvinceRow) -> dict[str, Any]:
    return _row(f"cac-so-ban-nganh-{p.code:02d}-{_slug(p.codename)}", "Các sở, ban, ngành", "group", root_id(p),
                ["Các sở, ban, ngành tỉnh", "Các sở, ban ngành", "Các sở, ngành", "Các sở", "Các sở, ban, ngành, đoàn thể",
                 "Các sở, ban, ngành, đoàn thể tỉnh", "Các sở, ban ngành, cơ quan thuộc tỉnh", "Các cơ quan, đơn vị cấp tỉnh"])


def seed_province(p: ProvinceRow, bodies: list[Body], *, communes: bool = True, departments: bool = True) -> Seed:
    seed = Seed(provinces=1)
    seed.agencies.append(_root(p))
    if departments:
        seed.agencies.append(_body_group(p))
        for b in bodies:
            if b.only and p.code not in b.only:
                continue
            seed.agencies.append(_body(p, b))
            if b.conditional:
                seed.conditional.add(seed.agencies[-1]["id"])
            if b.successor:
                seed.abolished[seed.agencies[-1]["id"]] = b.note
    if communes:
        seed.agencies.append(_commune_group(p))
        seed.agencies += [_commune(p, c) for c in p.communes]
        seed.communes = len(p.communes)
    return seed


def seed_registry(provinces: Iterable[ProvinceRow], bodies: list[Body], *, communes: bool = True,
                  departments: bool = True) -> Seed:
    """Every given province's registry, in code order; refuses a duplicate id."""
    out = Seed()
    for p in sorted(provinces, key=lambda p: p.code):
        one = seed_province(p, bodies, communes=communes, departments=departments)
        out.agencies += one.agencies
        out.conditional |= one.conditional
        out.abolished |= one.abolished
        out.provinces += 1
        out.communes += one.communes
    ids = [a["id"] for a in out.agencies]
    if len(ids) != len(set(ids)):
        dup = sorted({i for i in ids if ids.count(i) > 1})[:3]
        raise SeedError(f"mã cơ quan trùng / duplicate agency ids: {dup}")
    return out


UNKNOWN_EMAIL = "# chưa có địa chỉ: nhắc việc được giữ lại đến khi điền / unknown: reminders held until set"
CONDITIONAL = "# chỉ có ở một số tỉnh: xóa nếu tỉnh không có / not in every province: delete if yours has none"
ABOLISHED = "# giải thể năm 2025, việc chuyển cho cơ quan cấp trên ghi ở parent / abolished in 2025: work moved to parent"


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _agency_lines(a: dict[str, Any], flag: str) -> list[str]:
    lines = [f"  - id: {a['id']}" + (f"  {flag}" if flag else ""), f"    name: {_q(a['name'])}", f"    level: {a['level']}"]
    if a.get("parent"):
        lines.append(f"    parent: {a['parent']}")
    if a.get("active") is False:
        lines.append("    active: false")
    lines.append(f"    email: {_q(a['email'])}" + ("" if a["email"] or a.get("active") is False else f"  {UNKNOWN_EMAIL}"))
    if a.get("aliases"):
        lines.append(f"    aliases: [{', '.join(_q(x) for x in a['aliases'])}]")
    return lines


def _flag(seed: Seed, agency_id: str) -> str:
    if agency_id in seed.abolished:
        note = seed.abolished[agency_id]
        return ABOLISHED + (f"; {note}" if note else "")
    return CONDITIONAL if agency_id in seed.conditional else ""


def to_yaml(seed: Seed, *, title: str, source: str) -> str:
    """The registry in the config format; deterministic (no date in it), so a
    re-seed shows only what the official list changed."""
    head = [f"# {title}", f"# Sinh bởi / generated by `dondoc agencies seed` from {source};",
            "# departments from dondoc/config/data/provincial_bodies.yaml (Nghị định 150/2025/NĐ-CP).",
            "# Ids are built from the official codes and never change; edit names, aliases and emails freely.",
            f"# {len(seed.conditional)} cơ quan chỉ có ở một số tỉnh / bodies not in every province (marked below);",
            f"# {len(seed.abolished)} cơ quan đã giải thể năm 2025 (active: false) / abolished in 2025, kept for old plans.",
            f"# {seed.without_email} cơ quan chưa có email / agencies without an email (marked below): they load,",
            "# and their reminders are held (dondoc status, the plan page) until an address is set and loaded."]
    body = ["agencies:"] + [line for a in seed.agencies for line in _agency_lines(a, _flag(seed, a["id"]))]
    return "\n".join(head + body) + "\n"
