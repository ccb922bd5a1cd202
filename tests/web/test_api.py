"""The JSON API under /api: every endpoint, and the same permissions as the
pages (admin, coordinator scope, agency link token). Reading or changing an
item one may not touch answers 404 and changes nothing."""
from __future__ import annotations

import json

from sqlalchemy import func, select
from typer.testing import CliRunner

from dondoc.cli.main import app as cli
from dondoc.notifications.tokens import make_token
from dondoc.store.db import session_scope
from dondoc.store.models import Event, Occurrence
from dondoc.store.outbox_models import Email
from dondoc.web.users import create_token, create_user
from tests.web.conftest import COMMUNE, NOW, PROVINCE, SECRET, csrf_of, occurrence_of

FINANCE = "cong-chuc-tai-chinh-thanh-linh"
HEALTH = "tram-y-te-thanh-linh"
READS = ["/api/me", "/api/plans", f"/api/plans/{COMMUNE}", "/api/tasks", "/api/tasks/1", "/api/occurrences",
         "/api/occurrences/1", "/api/occurrences/1/events", "/api/reports/overdue", "/api/reports/summary"]


def agency_bearer(agency: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token(agency, secret=SECRET)}"}


def state(engine, occurrence_id: int) -> tuple:
    with session_scope(engine, write=False) as s:
        occ = s.get(Occurrence, occurrence_id)
        return (occ.status, occ.note, s.execute(select(func.count(Event.id))).scalar(),
                s.execute(select(func.count(Email.id))).scalar())


def test_openapi_lists_only_paths_under_api(anon):
    paths = anon.get("/openapi.json").json()["paths"]
    assert paths and all(p.startswith("/api/") for p in paths)
    assert {"/api/plans", "/api/occurrences/{occurrence_id}/status", "/api/reports/overdue",
            "/api/agency/occurrences/{occurrence_id}/status"} <= set(paths)


def test_every_endpoint_needs_authentication(anon, loaded):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    for path in READS + ["/api/agency/occurrences", "/api/agency/occurrences/1"]:
        response = anon.get(path)
        assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer", path
    for path in (f"/api/occurrences/{occ.id}/status", f"/api/agency/occurrences/{occ.id}/status"):
        assert anon.post(path, json={"status": "in_progress"}).status_code == 401, path


def test_a_wrong_bearer_token_is_refused(anon):
    assert anon.get("/api/plans", headers={"Authorization": "Bearer ddk_not-a-token"}).status_code == 401


def test_an_admin_token_reads_every_endpoint(anon, token_for):
    headers = token_for("lan")
    for path in READS:
        assert anon.get(path, headers=headers).status_code == 200, path


def test_me_says_who_the_token_belongs_to(anon, token_for):
    assert anon.get("/api/me", headers=token_for("hoa")).json() == {
        "username": "hoa", "role": "coordinator", "agency": "cong-chuc-chinh-sach-thanh-linh"}


def test_plans_are_limited_to_the_coordinators_scope(anon, token_for):
    assert {p["id"] for p in anon.get("/api/plans", headers=token_for("lan")).json()} == {COMMUNE, PROVINCE}
    mine = anon.get("/api/plans", headers=token_for("hoa")).json()
    assert [p["id"] for p in mine] == [COMMUNE] and len(mine[0]["warnings"]) == 7  # + the report not owed
    assert anon.get(f"/api/plans/{PROVINCE}", headers=token_for("hoa")).status_code == 404


def test_tasks_are_filtered_by_plan_and_scope(anon, token_for):
    tasks = anon.get(f"/api/tasks?plan={COMMUNE}", headers=token_for("lan")).json()
    assert {t["plan"] for t in tasks} == {COMMUNE} and "4.2" in {t["number"] for t in tasks}
    first = next(t for t in tasks if t["number"] == "1.1")
    assert first["schedule"] == [{"kind": "Deadline", "due": "2023-06-30", "text": "Tháng 6 năm 2023"}]
    province_task = anon.get(f"/api/tasks?plan={PROVINCE}", headers=token_for("lan")).json()[0]
    assert anon.get(f"/api/tasks?plan={PROVINCE}", headers=token_for("hoa")).json() == []
    assert anon.get(f"/api/tasks/{province_task['id']}", headers=token_for("hoa")).status_code == 404


def test_occurrences_are_filtered_by_plan_owner_agency_subtree_status_and_due(anon, token_for):
    headers = token_for("lan")
    def get(query: str) -> list[dict]:
        return anon.get(f"/api/occurrences?{query}", headers=headers).json()
    assert {o["owner"] for o in get(f"owner={FINANCE}")} == {FINANCE}
    assert {o["plan"] for o in get(f"plan={COMMUNE}&status=open")} == {COMMUNE}
    commune = {o["owner"] for o in get("agency=ubnd-xa-thanh-linh")}
    assert FINANCE in commune and not any(o.startswith("so-") for o in commune)
    early = get(f"plan={COMMUNE}&due_before=2023-04-01")
    assert early and all(o["due"] < "2023-04-01" for o in early)
    overdue = next(o for o in early if o["task"] == "3.2.1")
    assert overdue["category"] == "in_progress_overdue" and overdue["days_overdue"] == 62
    assert anon.get("/api/occurrences?status=late", headers=headers).status_code == 422  # the schema lists the statuses
    assert len(get("limit=5&offset=5")) == 5


def test_the_overdue_report_has_the_same_rows_as_the_cli_json(anon, token_for, db_url):
    cli_rows = json.loads(CliRunner().invoke(cli, ["report", "overdue", "--as-of", "2023-04-01", "--plan", COMMUNE,
                                                   "--format", "json"], env={"DONDOC_DATABASE_URL": db_url}).stdout)
    api_rows = anon.get(f"/api/reports/overdue?as_of=2023-04-01&plan={COMMUNE}", headers=token_for("lan")).json()
    assert api_rows == cli_rows and [r["task"] for r in api_rows] == ["4.2", "3.2.1", "3.3.7-1"]


def test_the_summary_gives_the_four_totals_the_ranking_and_the_trend(anon, token_for):
    summary = anon.get(f"/api/reports/summary?as_of=2023-04-01&plan={COMMUNE}", headers=token_for("lan")).json()
    assert summary["totals"]["in_progress_overdue"] == 3 and len(summary["trend"]) == 8
    assert summary["trend"][-1] == {"as_of": "2023-04-01", "overdue": 3}
    assert anon.get(f"/api/reports/summary?plan={PROVINCE}", headers=token_for("hoa")).status_code == 404


def test_an_admin_changes_a_status_through_the_api_and_an_event_records_it(anon, token_for, loaded):
    occ = occurrence_of(loaded, PROVINCE, "BC-1")
    response = anon.post(f"/api/occurrences/{occ.id}/status", headers=token_for("lan"),
                         json={"status": "in_progress", "note": "Đã nhắc qua điện thoại"})
    assert response.status_code == 200 and response.json()["status"] == "in_progress"
    events = anon.get(f"/api/occurrences/{occ.id}/events", headers=token_for("lan")).json()
    assert events[-1]["actor_kind"] == "user" and events[-1]["actor"] == "lan"
    assert events[-1]["after"]["status"] == "in_progress"


def test_an_illegal_transition_is_a_409_and_changes_nothing(anon, token_for, loaded):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    before = state(loaded, occ.id)
    response = anon.post(f"/api/occurrences/{occ.id}/status", headers=token_for("hoa"), json={"status": "cancelled"})
    assert response.status_code == 409 and "lý do" in response.json()["detail"]
    assert state(loaded, occ.id) == before


def test_a_coordinator_cannot_read_or_change_another_plans_items(anon, token_for, loaded):
    occ = occurrence_of(loaded, PROVINCE, "BC-1")
    before = state(loaded, occ.id)
    assert anon.get(f"/api/occurrences/{occ.id}", headers=token_for("hoa")).status_code == 404
    assert anon.get(f"/api/occurrences/{occ.id}/events", headers=token_for("hoa")).status_code == 404
    response = anon.post(f"/api/occurrences/{occ.id}/status", headers=token_for("hoa"), json={"status": "in_progress"})
    assert response.status_code == 404 and state(loaded, occ.id) == before
    assert all(o["plan"] == COMMUNE for o in anon.get("/api/occurrences", headers=token_for("hoa")).json())


def test_a_session_cookie_works_for_reads_but_changes_need_the_csrf_header(as_user, loaded):
    client = as_user("hoa")
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    assert client.get("/api/plans").status_code == 200
    before = state(loaded, occ.id)
    assert client.post(f"/api/occurrences/{occ.id}/status", json={"status": "in_progress"}).status_code == 403
    assert state(loaded, occ.id) == before
    csrf = csrf_of(client.get("/dashboard").text)
    response = client.post(f"/api/occurrences/{occ.id}/status", json={"status": "in_progress"},
                           headers={"X-CSRF-Token": csrf})
    assert response.status_code == 200


def test_an_agency_token_lists_only_its_own_open_items(anon, loaded):
    items = anon.get("/api/agency/occurrences", headers=agency_bearer(FINANCE)).json()
    # 3.2.1 and the annual report; the 6-month report due 10/05, before the plan's 15/05, is not owed.
    assert len(items) == 2 and {o["owner"] for o in items} == {FINANCE}


def test_an_agency_token_reports_its_own_item_and_the_focal_agency_is_emailed(anon, loaded):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    response = anon.post(f"/api/agency/occurrences/{occ.id}/status", headers=agency_bearer(FINANCE),
                         json={"status": "reported", "note": "Xong", "evidence_url": "https://x.example/bc.pdf"})
    assert response.status_code == 200 and response.json()["status"] == "reported"
    with session_scope(loaded, write=False) as s:
        email = s.execute(select(Email).where(Email.kind == "reported")).scalars().one()
    assert email.key.startswith(f"reported-{occ.id}-") and email.recipient == "cong-chuc-chinh-sach-thanh-linh"


def test_agency_a_cannot_read_or_change_agency_bs_item(anon, loaded):
    theirs = occurrence_of(loaded, COMMUNE, "2.1")
    assert theirs.owner_id != FINANCE
    before = state(loaded, theirs.id)
    assert anon.get(f"/api/agency/occurrences/{theirs.id}", headers=agency_bearer(FINANCE)).status_code == 404
    response = anon.post(f"/api/agency/occurrences/{theirs.id}/status", headers=agency_bearer(FINANCE),
                         json={"status": "reported", "note": "Xong"})
    assert response.status_code == 404 and state(loaded, theirs.id) == before


def test_an_agency_may_only_set_in_progress_or_reported(anon, loaded):
    occ = occurrence_of(loaded, COMMUNE, "3.2.1")
    before = state(loaded, occ.id)
    response = anon.post(f"/api/agency/occurrences/{occ.id}/status", headers=agency_bearer(FINANCE),
                         json={"status": "done", "note": "Xong"})
    assert response.status_code == 409 and state(loaded, occ.id) == before


def test_agency_tokens_and_user_tokens_do_not_open_each_others_doors(anon, token_for):
    assert anon.get("/api/plans", headers=agency_bearer(FINANCE)).status_code == 401
    assert anon.get("/api/agency/occurrences", headers=token_for("lan")).status_code == 401
    forged = make_token(FINANCE, secret="another-secret")
    assert anon.get("/api/agency/occurrences", headers={"Authorization": f"Bearer {forged}"}).status_code == 401


def test_a_coordinator_whose_agency_coordinates_no_plan_sees_nothing(anon, loaded):
    with session_scope(loaded) as s:
        create_user(s, username="tuan", password="mat-khau-rat-dai-2023", role="coordinator", agency_id=HEALTH, now=NOW)
        token = create_token(s, username="tuan", now=NOW)
    headers = {"Authorization": f"Bearer {token}"}
    assert anon.get("/api/plans", headers=headers).json() == []
    assert anon.get("/api/occurrences", headers=headers).json() == []
    assert sum(anon.get("/api/reports/summary", headers=headers).json()["totals"].values()) == 0
