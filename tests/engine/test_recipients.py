from dondoc.engine.recipients import AgencyRef, Chain, resolve

COMMUNE_OFFICIAL = AgencyRef("cc-chinh-sach", "Công chức chính sách", "cs@xa.example.vn", "cs-head@xa.example.vn")
COMMUNE = AgencyRef("ubnd-xa", "UBND xã", "ubnd@xa.example.vn", "chutich@xa.example.vn")
DISTRICT_OFFICE = AgencyRef("phong-ldtbxh", "Phòng LĐTBXH", "phong@huyen.example.vn")
DISTRICT = AgencyRef("ubnd-huyen", "UBND huyện", "ubnd@huyen.example.vn")
CHAIN = Chain(lead=COMMUNE_OFFICIAL, ancestors=(COMMUNE, DISTRICT_OFFICE, DISTRICT), focal=COMMUNE_OFFICIAL,
              issuer=COMMUNE, support=(DISTRICT_OFFICE,))


def addresses(rs):
    return [r.address for r in rs]


def test_lead_parent_is_the_direct_superior():
    to, cc = resolve(("lead", "lead.parent"), (), CHAIN)
    assert addresses(to) == ["cs@xa.example.vn", "ubnd@xa.example.vn"]


def test_the_chain_skips_inactive_agencies():
    inactive_office = AgencyRef("phong-ldtbxh", "Phòng LĐTBXH", "phong@huyen.example.vn", active=False)
    chain = Chain(lead=COMMUNE_OFFICIAL, ancestors=(COMMUNE, inactive_office, DISTRICT), focal=COMMUNE, issuer=COMMUNE)
    to, _ = resolve(("lead.parent.parent",), (), chain)
    assert addresses(to) == ["ubnd@huyen.example.vn"]


def test_the_chain_stops_at_the_root():
    to, _ = resolve(("lead.parent.parent.parent.parent.parent",), (), CHAIN)
    assert addresses(to) == ["ubnd@huyen.example.vn"]
    root_chain = Chain(lead=DISTRICT, ancestors=(), focal=DISTRICT, issuer=DISTRICT)
    assert resolve(("lead.parent",), (), root_chain) == ([], [])


def test_someone_both_notified_and_copied_is_only_notified():
    to, cc = resolve(("lead",), ("focal", "issuer"), CHAIN)
    assert addresses(to) == ["cs@xa.example.vn"] and addresses(cc) == ["ubnd@xa.example.vn"]


def test_head_suffix_uses_the_head_email():
    to, _ = resolve(("issuer.head",), (), CHAIN)
    assert addresses(to) == ["chutich@xa.example.vn"] and to[0].head


def test_an_agency_id_token_names_that_agency():
    to, _ = resolve(("phong-ldtbxh",), (), CHAIN, {"phong-ldtbxh": DISTRICT_OFFICE})
    assert addresses(to) == ["phong@huyen.example.vn"]


def test_an_agency_without_an_address_is_still_a_recipient_so_its_reminder_can_be_held():
    station = AgencyRef("tram-y-te", "Trạm y tế", "")
    school = AgencyRef("truong", "Trường", "")
    chain = Chain(lead=station, ancestors=(COMMUNE,), focal=school, issuer=COMMUNE)
    to, cc = resolve(("lead", "lead.head"), ("focal", "issuer"), chain)
    assert [(r.agency.id, r.address) for r in to] == [("tram-y-te", "")]
    assert [(r.agency.id, r.address) for r in cc] == [("truong", ""), ("ubnd-xa", "ubnd@xa.example.vn")]
