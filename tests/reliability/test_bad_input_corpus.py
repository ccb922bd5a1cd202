"""Issue 15.7: no traceback reaches a user. The whole command line and every
HTTP route are run over a corpus of bad inputs: each CLI case answers one
bilingual line and exit 2; no page or API answer is a 500 or shows a
"Traceback". Figures for docs/reliability.md are printed (`pytest -s`)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.routing import iter_route_contexts  # type: ignore[attr-defined]
from fastapi.testclient import TestClient

from dondoc.cli.app import run
from dondoc.cli.main import register
from dondoc.workflows.serve import build_app
from tests.web.conftest import NOW, csrf_of, login, settings_for

AGENCY = "ubnd-xa-thanh-linh"
PLAN = "thanh-linh-2023-tre-em"
YAML = {"deep.yaml": "agencies: " + "[" * 5000 + "]" * 5000 + "\n", "mapkey.yaml": "agencies:\n  ? {id: a}\n  : 1\n",
        "nul.yaml": "agencies:\n  - id: a\x00\n", "cycle.yaml": (
            "agencies:\n  - {id: ubnd-xa-thanh-linh, name: x, level: commune, parent: hdnd-xa-thanh-linh,"
            " email: a@b.vn}\n")}
CLI = [
    ["check", "--now", "03/07/2023"], ["check", "--now", "9999-12-31"], ["check", "--now", "2023-13-01"],
    ["check", "--now", "0001-01-01"], ["check", "--bogus"], ["summary", "--now", "hôm nay"],
    ["tasks", "--plan", "khong-co"], ["tasks", "--agency", "khong-co"], ["tasks", "--status", "nonsense"],
    ["tasks", "--format", "xml"], ["outbox", "--status", "nonsense"], ["outbox", "--limit", "0"],
    ["outbox", "--retry", "abc"], ["set-status", "khong/1", "done", "--by", AGENCY],
    ["set-status", "#99999999", "done", "--by", AGENCY], ["set-status", "khong-co-dau-gach", "done", "--by", AGENCY],
    ["set-status", f"{PLAN}/1.1", "bay-len", "--by", AGENCY], ["set-status", f"{PLAN}/1.1", "done", "--by", "khong"],
    ["set-status", f"{PLAN}/1.1", "done", "--by", AGENCY, "--now", "31/12/2023"],
    ["report", "overdue", "--as-of", "03/07/2023"], ["report", "overdue", "--as-of", "9999-12-31"],
    ["report", "overdue", "--plan", "khong"], ["report", "overdue", "--agency", "khong"],
    ["report", "overdue", "--format", "pdf"], ["preview-email", "--agency", "khong"],
    ["preview-email", "--agency", AGENCY, "--kind", "nonsense"], ["preview-email", "--agency", AGENCY, "--lang", "fr"],
    ["preview-email", "--agency", AGENCY, "--now", "9999-12-31"], ["load", "/khong/co/tep.yaml"],
    *[["load", f"{{tmp}}/{name}"] for name in YAML], ["import-plan", "/khong/co.txt"], ["import-plan", "{tmp}/empty.txt"],
    ["import-plan", "{tmp}/empty.txt", "--agencies", "{tmp}/deep.yaml"],
    ["user", "add", "x", "--role", "vua", "--password-stdin"], ["user", "passwd", "khong", "--password-stdin"],
    ["user", "disable", "khong"], ["user", "enable", "khong"], ["token", "create", "khong"], ["token", "revoke", "0"],
    ["token", "revoke", "99999"], ["token", "revoke", "abc"], ["agency", "revoke-links", "khong"],
    ["serve", "--port", "99999"], ["khong-co-lenh"], ["report", "khong-co"],
]
ONE_LINE_BILINGUAL = re.compile(r" / |\(dondoc ")


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    for name, text in YAML.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    return tmp_path


def _argv(case: list[str], tmp: Path) -> list[str]:
    return [a.replace("{tmp}", str(tmp)) for a in case]


def test_every_command_answers_bad_arguments_with_one_line_and_exit_2(loaded, db_url, corpus_dir, monkeypatch, capsys):
    monkeypatch.setenv("DONDOC_DATABASE_URL", db_url)
    monkeypatch.setattr(sys, "stdin", open(os.devnull))
    register()
    failures = []
    for case in CLI:
        code = run(_argv(case, corpus_dir))
        captured = capsys.readouterr()
        lines = [line for line in captured.err.splitlines() if line.strip()]
        if code != 2 or "Traceback" in captured.err + captured.out or not lines or not ONE_LINE_BILINGUAL.search(lines[0]):
            failures.append((case, code, captured.err[-300:]))
    print(f"\nCLI bad-input corpus: {len(CLI)} cases, {len(CLI) - len(failures)} answered one line and exit 2")
    assert failures == []


def test_the_installed_command_prints_no_traceback(loaded, db_url, corpus_dir):
    env = {**os.environ, "DONDOC_DATABASE_URL": db_url}
    env.pop("DONDOC_DEBUG", None)
    for case in (["check", "--now", "03/07/2023"], ["load", f"{corpus_dir}/deep.yaml"], ["tasks", "--plan", "khong"]):
        done = subprocess.run([sys.executable, "-c", "from dondoc.cli import main; main()", *case], env=env,
                              capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        assert done.returncode == 2 and "Traceback" not in done.stderr, (case, done.stderr)
        assert len(done.stderr.strip().splitlines()) <= 2, done.stderr  # "config has errors" + the file:line


def _paths(app) -> list[str]:
    return sorted({r.path for r in iter_route_contexts(app.routes) if "GET" in (getattr(r, "methods", None) or ())})


BAD_IDS = ["abc", "0", "-1", "99999999999999999999", "%00", "x" * 300, "..%2f..%2fetc", "%C0%AE"]
BAD_QUERY = ["as_of=9999-12-31", "as_of=0001-01-01", "as_of=03/07/2023", "preview_on=9999-12-31", "preview_on=abc",
             "status=nonsense", "plan=%00", "agency=khong", "escalation=-5", "page=-1", "page=99999999999",
             "due_before=0", "lang=xx", "next=//evil.example"]


def test_no_route_answers_500_or_a_traceback_to_bad_input(loaded, db_url):
    app = build_app(settings_for(db_url), loaded, scheduler=False)
    clients = {"anon": TestClient(app), "lan": login(TestClient(app), "lan"), "hoa": login(TestClient(app), "hoa")}
    tried, bad = 0, []
    for path in _paths(app):
        urls = [re.sub(r"\{[^}]+\}", bad_id, path) for bad_id in BAD_IDS] if "{" in path else [path]
        urls += [f"{re.sub(r'{[^}]+}', PLAN, path)}?{q}" for q in BAD_QUERY]
        for who, client in clients.items():
            for url in urls:
                response = client.get(url, follow_redirects=False)
                tried += 1
                if response.status_code >= 500 or "Traceback" in response.text:
                    bad.append((who, url, response.status_code))
    tried_posts, bad_posts = _bad_posts(clients["lan"])
    print(f"\nHTTP bad-input corpus: {tried} GETs over {len(_paths(app))} routes and {tried_posts} POSTs, "
          f"{len(bad) + len(bad_posts)} answered 500 or a traceback")
    assert bad == [] and bad_posts == []


def _bad_posts(client: TestClient) -> tuple[int, list]:
    page = client.get("/import")
    csrf = csrf_of(page.text)
    posts = [("/import/load", {"csrf": csrf, "draft": text, "name": name}) for name, text in YAML.items()]
    posts += [("/login", {"csrf": csrf, "username": "x" * 10_000, "password": "y"}),
              ("/login", {"csrf": csrf, "username": "a\x00b", "password": "y"}),
              ("/admin/agencies/revoke-links", {"csrf": csrf, "agency": "a\x00b"}),
              ("/admin/users/abc/disable", {"csrf": csrf}), ("/admin/tokens/99999999999/revoke", {"csrf": csrf}),
              (f"/plans/{PLAN}/occurrences/abc/review", {"csrf": csrf, "action": "x"})]
    bad = []
    for url, data in posts:
        response = client.post(url, data=data, follow_redirects=False)
        if response.status_code >= 500 or "Traceback" in response.text:
            bad.append((url, response.status_code))
    for name, text in YAML.items():
        response = client.post("/import", data={"csrf": csrf}, files={"file": (name.replace(".yaml", ".txt"),
                                                                                text.encode(), "text/plain")})
        if response.status_code >= 500:
            bad.append(("/import", name, response.status_code))
    return len(posts) + len(YAML), bad


def test_a_deep_yaml_draft_gets_its_file_and_line_on_the_import_page(loaded, db_url):
    client = login(TestClient(build_app(settings_for(db_url), loaded, scheduler=False)), "lan")
    csrf = csrf_of(client.get("/import").text)
    for name, where in (("deep.yaml", "deep.yaml:1"), ("mapkey.yaml", "mapkey.yaml:2"), ("nul.yaml", "nul.yaml:2")):
        response = client.post("/import/load", data={"csrf": csrf, "draft": YAML[name], "name": name})
        assert response.status_code == 422 and where in response.text, name
    assert NOW  # the app's clock is the suite's frozen one
