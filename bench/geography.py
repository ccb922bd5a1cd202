"""The agency tree of the synthetic data set: 34 provinces with their
departments (some with offices under them), ~3,300 communes with their units,
and school branches one level further down. Depths vary from 1 to 3.

Communes carry their real names (vietnam-provinces, in official code order,
via dondoc.config.seed); a shape with more communes than a province has
names the extra ones from syllables."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from bench.world import COMMUNE_UNITS, DEPARTMENTS, PROVINCES, SCHOOL_BRANCH_EVERY, SYLLABLES_A, SYLLABLES_B

AGENCY_COLUMNS = ("id", "name", "level", "parent_id", "email", "emails", "head_email", "aliases", "language", "active")


@dataclass
class Commune:
    id: str
    units: dict[str, str]  # role -> agency id


@dataclass
class Province:
    slug: str
    name: str
    ubnd: str
    departments: dict[str, str]  # code -> agency id
    communes: list[Commune] = field(default_factory=list)


def split(total: int, weights: list[int]) -> list[int]:
    """`total` shared in proportion to `weights`, summing exactly to `total`."""
    whole, out, cum = sum(weights), [], 0
    for w in weights:
        before = total * cum // whole
        cum += w
        out.append(total * cum // whole - before)
    return out


def _agency(agency_id: str, name: str, level: str, parent: str | None, domain: str, head: bool) -> tuple:
    head_email = f"lanhdao.{agency_id}@{domain}" if head else None
    return (agency_id, name, level, parent, f"{agency_id}@{domain}", "[]", head_email, "[]", "vi", 1)


@lru_cache(maxsize=1)
def real_communes() -> dict[str, list[tuple[str, str]]]:
    """Province name -> its communes as (division type, own name), in code order."""
    from dondoc.config.seed import official_provinces

    return {p.name: [(c.kind, c.name[len(c.kind):].strip()) for c in p.communes] for p in official_provinces()}


def _commune_name(index: int) -> str:
    a, b = SYLLABLES_A[index % len(SYLLABLES_A)], SYLLABLES_B[(index // len(SYLLABLES_A)) % len(SYLLABLES_B)]
    return f"{a} {b}" if index < len(SYLLABLES_A) * len(SYLLABLES_B) else f"{a} {b} {index // 400 + 1}"


def build(provinces: int, communes: int) -> tuple[list[Province], list[tuple]]:
    """The provinces (with ids to hang plans on) and every agency row, parents first."""
    chosen = PROVINCES[:provinces]
    counts = split(communes, [c for _, _, c in chosen])
    out, rows = [], []
    for (slug, name, _), n in zip(chosen, counts, strict=False):
        domain = f"{slug}.example.vn"
        ubnd = f"ubnd-tinh-{slug}"
        rows.append(_agency(ubnd, f"UBND tỉnh {name}", "province", None, domain, True))
        province = Province(slug, name, ubnd, {})
        for code, dname, offices in DEPARTMENTS:
            dept = f"{code}-{slug}"
            province.departments[code] = dept
            rows.append(_agency(dept, f"{dname} {name}", "department", ubnd, domain, True))
            rows += [_agency(f"{ocode}-{dept}", f"{oname}, {dname}", "department_office", dept, domain, True)
                     for ocode, oname in offices]
        for k in range(n):
            province.communes.append(_commune(province, k, rows, domain))
        out.append(province)
    return out, rows


def _commune(province: Province, k: int, rows: list[tuple], domain: str) -> Commune:
    cid = f"xa-{province.slug}-{k + 1:03d}"
    real = real_communes().get(province.name, [])
    kind, own = real[k] if k < len(real) else ("xã", _commune_name(k))
    cname = f"{kind} {own}"
    rows.append(_agency(cid, f"UBND {cname}", "commune", province.ubnd, domain, True))
    units = {"ubnd": cid}
    for role, prefix, level in COMMUNE_UNITS:
        uid = f"{role}-{cid}"
        units[role] = uid
        rows.append(_agency(uid, f"{prefix} {cname}", level, cid, domain, level == "commune_unit"))
    if k % SCHOOL_BRANCH_EVERY == 0:
        branch = f"diem-truong-{cid}"
        units["diem-truong"] = branch
        rows.append(_agency(branch, f"Điểm trường thôn {k % 7 + 1}, Trường Tiểu học {cname}", "commune_unit",
                            units["truong-th"], domain, False))
    return Commune(cid, units)
