"""`dondoc agencies seed`: every province's registry from the official list
(vietnam-provinces), with stable ids, resolving parents, and a file that
`dondoc load` takes as it is."""
from __future__ import annotations

from collections import Counter

import pytest
import yaml
from typer.testing import CliRunner
from vietnam_provinces import Province, Ward

from dondoc.cli.main import app, register
from dondoc.config.reader import read_config
from dondoc.config.seed import (
    SeedError,
    find_province,
    official_provinces,
    seed_province,
    seed_registry,
    standard_bodies,
    to_yaml,
)

register()
PROVINCES = official_provinces()
BODIES = standard_bodies()
DONG_NAI = find_province(PROVINCES, "Đồng Nai")


def seed_cli(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, ["agencies", "seed", *args], env=env)


def test_the_package_lists_34_provinces_and_3321_communes():
    assert len(list(Province.iter_all())) == 34
    assert len(list(Ward.iter_all())) == 3321
    assert Counter(w.division_type.value for w in Ward.iter_all()) == {"xã": 2621, "phường": 687, "đặc khu": 13}


def test_seeding_every_province_gives_one_root_per_province_and_one_commune_per_official_commune():
    seed = seed_registry(PROVINCES, BODIES)
    levels = Counter(a["level"] for a in seed.agencies)
    assert seed.provinces == levels["province"] == 34
    assert seed.communes == levels["commune"] == 3321
    assert levels["group"] == 2 * 34 and len(seed.conditional) == 8 * 34 + 2  # + Sở Quy hoạch - Kiến trúc (01, 79)
    per_province = Counter(a["parent"] for a in seed.agencies if a["level"] == "commune")
    for p in Province.iter_all():
        root = find_province(PROVINCES, str(int(p.code)))
        assert per_province[f"ubnd-tinh-{int(p.code):02d}-{p.codename.replace('_', '-')}"] == \
            len(list(Ward.iter_by_province(p.code))) == len(root.communes)


def test_ids_are_built_from_the_official_codes_and_are_the_same_on_every_run():
    first = to_yaml(seed_registry(PROVINCES, BODIES), title="t", source="s")
    again = to_yaml(seed_registry(official_provinces(), standard_bodies()), title="t", source="s")
    assert first == again
    ids = {a["id"] for a in seed_registry(PROVINCES, BODIES).agencies}
    assert {"ubnd-tinh-75-dong-nai", "ubnd-tinh-01-ha-noi", "ubnd-phuong-00070-hoan-kiem",
            "ubnd-phuong-26068-bien-hoa", "ubnd-dac-khu-26732-con-dao", "so-y-te-75-dong-nai",
            "cong-an-75-dong-nai", "ubnd-cac-xa-phuong-75-dong-nai", "cac-so-ban-nganh-75-dong-nai"} <= ids


def test_every_parent_resolves_and_parents_come_first():
    seen: set[str] = set()
    for a in seed_registry(PROVINCES, BODIES).agencies:
        assert a["parent"] is None or a["parent"] in seen, a["id"]
        seen.add(a["id"])


def test_names_are_as_officially_written_with_the_aliases_plans_use():
    rows = {a["id"]: a for a in seed_province(DONG_NAI, BODIES).agencies}
    ward = rows["ubnd-phuong-26068-bien-hoa"]
    assert ward["name"] == "Ủy ban nhân dân phường Biên Hòa" and "UBND phường Biên Hòa" in ward["aliases"]
    assert rows["ubnd-tinh-75-dong-nai"]["name"] == "Ủy ban nhân dân tỉnh Đồng Nai"
    assert rows["so-nong-nghiep-moi-truong-75-dong-nai"]["aliases"][0] == "Sở Nông nghiệp và Môi trường"
    communes = rows["ubnd-cac-xa-phuong-75-dong-nai"]
    assert communes["name"] == "Ủy ban nhân dân các xã, phường"
    assert {"UBND cấp xã", "UBND các xã, phường, đặc khu"} <= set(communes["aliases"])
    zone = {a["id"]: a for a in seed_registry(PROVINCES, BODIES).agencies}["ubnd-dac-khu-26732-con-dao"]
    assert zone["name"] == "Ủy ban nhân dân đặc khu Côn Đảo" and "UBND đặc khu Côn Đảo" in zone["aliases"]


def test_departments_abolished_in_2025_are_inactive_under_their_successor():
    rows = {a["id"]: a for a in seed_province(DONG_NAI, BODIES).agencies}
    old = rows["so-ke-hoach-dau-tu-75-dong-nai"]
    assert old["active"] is False and old["parent"] == "so-tai-chinh-75-dong-nai"
    assert rows["so-lao-dong-thuong-binh-xa-hoi-75-dong-nai"]["parent"] == "so-noi-vu-75-dong-nai"
    assert "Sở LĐTBXH" in rows["so-lao-dong-thuong-binh-xa-hoi-75-dong-nai"]["aliases"]


def test_hanoi_and_ho_chi_minh_city_have_their_own_military_commands():
    hanoi = {a["id"]: a["name"] for a in seed_province(find_province(PROVINCES, "Hà Nội"), BODIES).agencies}
    assert hanoi["bo-chi-huy-quan-su-01-ha-noi"] == "Bộ Tư lệnh Thủ đô Hà Nội"
    assert hanoi["ubnd-tinh-01-ha-noi"] == "Ủy ban nhân dân Thành phố Hà Nội"
    assert hanoi["so-noi-vu-01-ha-noi"] == "Sở Nội vụ Thành phố Hà Nội"


@pytest.mark.parametrize("wanted", ["Đồng Nai", "dong nai", "75", "075", "dong_nai", "tỉnh Đồng Nai"])
def test_a_province_is_found_by_name_or_code(wanted):
    assert find_province(PROVINCES, wanted).code == 75


@pytest.mark.parametrize("wanted", ["Thành phố Hồ Chí Minh", "TP. Hồ Chí Minh", "TP Hồ Chí Minh", "ho chi minh", "79"])
def test_a_city_is_found_with_or_without_its_title(wanted):
    assert find_province(PROVINCES, wanted).code == 79


def test_an_unknown_province_is_refused_in_both_languages():
    with pytest.raises(SeedError, match="không có tỉnh.*/ no province 'Đồng Naii'"):
        find_province(PROVINCES, "Đồng Naii")


def test_communes_or_departments_alone(tmp_path):
    only_communes = seed_province(DONG_NAI, BODIES, departments=False)
    assert {a["level"] for a in only_communes.agencies} == {"province", "commune", "group"}
    assert len(only_communes.agencies) == 1 + 1 + 95
    only_bodies = seed_province(DONG_NAI, BODIES, communes=False)
    assert "commune" not in {a["level"] for a in only_bodies.agencies}


def test_the_command_writes_a_file_that_flags_every_missing_email(tmp_path):
    out = tmp_path / "dong-nai.yaml"
    result = seed_cli("--province", "Đồng Nai", "--out", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    agencies = yaml.safe_load(text)["agencies"]
    # root, 2 groups, 30 bodies (8 of them not in every province), 7 abolished in 2025, 95 communes
    assert len(agencies) == 1 + 2 + 30 + 7 + 95
    active = [a for a in agencies if a.get("active", True)]
    assert text.count("# chưa có địa chỉ") == len(active) == len(agencies) - 7
    assert text.count("# chỉ có ở một số tỉnh: xóa") == 8 and text.count("# giải thể năm 2025") == 7
    assert f"Chưa có email / no email: {len(active)} cơ quan" in result.stdout
    assert "95 xã, phường, đặc khu" in result.stdout


def test_the_command_refuses_bad_options_in_one_line(tmp_path):
    out = tmp_path / "x.yaml"
    for args in (["--province", "Atlantis"], ["--all", "--province", "75"], []):
        result = seed_cli(*args, "--out", str(out))
        assert result.exit_code == 2 and " / " in result.output and "Traceback" not in result.output
    out.write_text("agencies: []\n", encoding="utf-8")
    result = seed_cli("--province", "75", "--out", str(out))
    assert result.exit_code == 2 and "--force" in result.output


def test_a_seeded_province_loads_with_dondoc_load(tmp_path, db_url):
    out = tmp_path / "dong-nai.yaml"
    assert seed_cli("--province", "75", "--out", str(out)).exit_code == 0
    result = CliRunner().invoke(app, ["load", str(out)], env={"DONDOC_DATABASE_URL": db_url})
    assert result.exit_code == 0, result.output
    assert "agency_created=135" in result.stdout


@pytest.mark.slow  # 30 s to minutes (the loader writes agencies one by one)
@pytest.mark.timeout(1200)
def test_the_seeded_country_loads_with_dondoc_load(tmp_path, db_url):
    out = tmp_path / "all.yaml"
    assert seed_cli("--all", "--out", str(out)).exit_code == 0
    assert len(read_config([out]).agencies) == 34 * 40 + 2 + 3321
    env = {"DONDOC_DATABASE_URL": db_url}
    first = CliRunner().invoke(app, ["load", str(out)], env=env)
    assert first.exit_code == 0, first.output
    assert f"agency_created={34 * 40 + 2 + 3321}" in first.stdout
    again = CliRunner().invoke(app, ["load", str(out)], env=env)
    assert again.exit_code == 0 and "no changes" in again.stdout
