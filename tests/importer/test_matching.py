"""Agency names as written -> registry ids: normalisation, tiers, lists."""
import pytest

from dondoc.importer.agencies import Registry
from dondoc.importer.names import resolve, split_names
from dondoc.importer.vn import canonical_tones, fold, name_key


@pytest.fixture(scope="module")
def registry(fixture_agencies):
    return Registry(fixture_agencies)


def test_old_and_new_tone_placement_read_alike():
    assert canonical_tones("Uỷ ban, hoá, thuỷ") == canonical_tones("Ủy ban, hóa, thủy")


def test_the_usual_abbreviations_are_expanded():
    assert name_key("Sở LĐ-TB&XH") == name_key("Sở Lao động – TB & XH") == "sở lao động thương binh và xã hội"
    assert name_key("UBND và HĐND xã") == "ủy ban nhân dân và hội đồng nhân dân xã"
    assert name_key("UBMTTQ xã") == name_key("Ủy ban Mặt trận Tổ quốc xã")


def test_folding_keeps_every_offset():
    text = "Công chức văn hóa – xã hội chủ trì"
    assert len(fold(text)) == len(text) and fold(text).endswith("chu tri")


@pytest.mark.parametrize("written", ["Sở Lao động – TB&XH", "Sở Lao động — Thương binh và Xã hội",
                                     "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "Sở LĐTBXH"])
def test_dash_case_and_abbreviation_variants_match_plainly(registry, written):
    found = registry.match(written)
    assert (found.agency_id, found.fuzzy) == ("so-ldtbxh", False)


def test_uy_spelled_either_way_matches_plainly(registry):
    assert registry.match("Ủy ban nhân dân xã Thanh Lĩnh").how == "exact"
    assert registry.match("UBND xã Thanh Lĩnh").agency_id == "ubnd-xa"


def test_a_match_without_diacritics_is_flagged_as_fuzzy(registry):
    found = registry.match("So Y te")
    assert (found.agency_id, found.how, found.fuzzy) == ("so-yte", "folded", True)


def test_the_level_written_in_the_text_picks_the_agency(registry):
    assert registry.match("UBND cấp xã").agency_id == "ubnd-xa"
    assert registry.match("Ủy ban nhân dân cấp huyện").agency_id == "ubnd-huyen"


def test_a_bare_name_takes_the_plans_own_level(registry):
    assert registry.match("Công an", qualifiers=("tỉnh",)).agency_id == "congan-tinh"


def test_a_word_missing_from_a_name_is_a_flagged_prefix_match(registry):
    found = registry.match("Viện kiểm sát nhân")
    assert (found.agency_id, found.how) == ("vks-tinh", "prefix")


def test_a_name_on_two_agencies_is_ambiguous_not_guessed(registry):
    found = registry.match("Trạm y tế")
    assert (found.agency_id, found.how, found.candidates) == (None, "ambiguous", ("tram-y-te-a", "tram-y-te-b"))


def test_an_unknown_name_is_not_matched(registry):
    assert registry.match("Sở Kế hoạch và Đầu tư").agency_id is None


def test_a_plural_phrase_never_fuzzy_matches_a_single_agency(registry):
    assert registry.match("Ủy ban nhân dân các huyện").agency_id is None


def test_a_list_is_split_but_compound_names_stay_whole(registry):
    assert split_names("Sở Lao động - Thương binh và Xã hội, Sở Giáo dục và Đào tạo và Sở Y tế", registry) == [
        "Sở Lao động - Thương binh và Xã hội", "Sở Giáo dục và Đào tạo", "Sở Y tế"]
    assert split_names("HĐND và UBND cấp xã", registry) == ["HĐND", "UBND cấp xã"]


def test_a_plural_phrase_keeps_the_nouns_after_it(registry):
    assert split_names("các sở, ngành, địa phương; Sở Y tế", registry) == ["các sở, ngành, địa phương", "Sở Y tế"]


def test_each_piece_is_an_agency_a_new_agency_or_nobody(registry):
    refs = resolve("Sở Y tế, Sở Kế hoạch và Đầu tư, gia đình và trẻ em", registry)
    assert [(r.kind, r.agency_id) for r in refs] == [("agency", "so-yte"), ("new", None), ("generic", None)]


def test_the_level_at_the_end_of_a_list_applies_to_each_name(registry):
    refs = resolve("Tòa án nhân dân, Viện kiểm sát nhân dân tỉnh", registry)
    assert [(r.agency_id, r.how) for r in refs] == [("toa-tinh", "qualified"), ("vks-tinh", "exact")]


def test_a_group_phrase_reads_as_the_registry_group_and_is_flagged(registry):
    refs = resolve("các ban, ngành, tổ chức, đơn vị liên quan", registry)
    assert [(r.agency_id, r.how) for r in refs] == [("ban-nganh", "exact"), (None, "")]
    refs = resolve("Các ban, ngành liên quan", registry)
    assert [(r.agency_id, r.how) for r in refs] == [("ban-nganh", "group")]


def test_a_dong_nai_plan_matches_no_nghe_an_agency_and_flags_the_namesakes(real_agencies, plans_dir):
    """The example registry knows Nghệ An and Thanh Lĩnh only: Đồng Nai's "Sở Y tế", "UBND tỉnh" are new
    agencies of Đồng Nai, flagged, never so-yte-nghe-an / ubnd-tinh-nghe-an."""
    from dondoc.importer import import_plan

    path = plans_dir / "train" / "dong-nai-kinh-te-so-xa-hoi-so-2025.txt"
    if not path.exists():
        pytest.skip("training plans not present")
    result = import_plan(path, agencies=real_agencies)
    nghe_an = {str(row["id"]) for row in real_agencies}
    plan = result.plan
    used = {plan.issued_by, plan.focal, *(t.lead for t in plan.tasks), *(a for t in plan.tasks for a in t.support)}
    assert not used & nghe_an
    proposed = {p.id: p for p in result.proposed_agencies}
    assert proposed[plan.issued_by].name.casefold() == "ủy ban nhân dân tỉnh đồng nai"
    assert "so-y-te-dong-nai" in proposed
    reasons = [r.reason for t in plan.tasks for r in t.review if "so-yte-nghe-an" in r.reason]
    assert reasons and "địa phương khác" in reasons[0]
