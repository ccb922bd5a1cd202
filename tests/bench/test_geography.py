"""The benchmark's national registry uses the real provinces, commune counts
and commune names (vietnam-provinces), and stays the same size and the same
on every run."""
from __future__ import annotations

from bench.geography import build, split
from bench.world import COMMUNE_UNITS, DEPARTMENTS, PROVINCES, SCHOOL_BRANCH_EVERY
from dondoc.config.seed import find_province, official_provinces

OFFICIAL = official_provinces()


def test_the_provinces_and_commune_counts_are_the_official_ones():
    assert len(PROVINCES) == 34 and sum(n for _, _, n in PROVINCES) == 3321
    for slug, name, communes in PROVINCES:
        official = find_province(OFFICIAL, name)
        assert (official.name, len(official.communes)) == (name, communes)
        assert official.codename.replace("_", "-") == slug


def test_communes_carry_their_real_names():
    _, rows = build(34, 3321)
    names = {r[0]: r[1] for r in rows}
    dong_nai = find_province(OFFICIAL, "Đồng Nai")
    first = dong_nai.communes[0]
    assert names["xa-dong-nai-001"] == f"UBND {first.name[0].lower()}{first.name[1:]}"
    assert names["tram-y-te-xa-dong-nai-001"].startswith("Trạm Y tế phường ")


def test_the_registry_keeps_its_size_and_is_the_same_on_every_run():
    provinces, rows = build(34, 3321)
    offices = sum(len(o) for _, _, o in DEPARTMENTS)
    branches = sum(-(-n // SCHOOL_BRANCH_EVERY) for n in split(3321, [n for _, _, n in PROVINCES]))
    assert len(rows) == 34 * (1 + len(DEPARTMENTS) + offices) + 3321 * (1 + len(COMMUNE_UNITS)) + branches
    assert len({r[0] for r in rows}) == len(rows)
    assert build(34, 3321) == (provinces, rows)


def test_a_shape_with_more_communes_than_the_country_names_the_extra_ones():
    _, rows = build(2, 1000)
    assert sum(1 for r in rows if r[2] == "commune") == 1000
