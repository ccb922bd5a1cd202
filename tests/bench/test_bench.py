"""The benchmark harness on a tiny data set: the generator is deterministic,
and the code paths of `python -m bench --json` run and agree with themselves
(every sweep contender leaves the same rows, no email is lost or doubled)."""
from __future__ import annotations

import json

import pytest

from bench import __main__ as bench_main
from bench import common, store
from bench.datasets import dataset
from bench.generate import Shape, fingerprint
from bench.store import Db, drop

TINY = Shape(occurrences=2_000, provinces=2, communes=30)


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "WORKDIR", tmp_path / "data")
    monkeypatch.setattr(common, "RESULTS", tmp_path / "results")
    return tmp_path


def test_the_same_seed_gives_the_same_rows(workdir):
    first, meta = dataset("sqlite", TINY, progress=False)
    digest = fingerprint(first)
    again, _ = dataset("sqlite", TINY, regenerate=True, progress=False)
    assert fingerprint(again) == digest
    other, _ = dataset("sqlite", Shape(occurrences=2_000, provinces=2, communes=30, seed=7), progress=False)
    assert fingerprint(other) != digest
    assert meta["summary"]["occurrences"] == 2_000


def test_a_tenth_of_the_rows_are_overdue_at_several_levels(workdir):
    _, meta = dataset("sqlite", TINY, progress=False)
    summary = meta["summary"]
    assert 150 <= summary["overdue"] <= 250
    assert summary["due_now"] > 100
    assert len(summary["levels_overdue"]) >= 3


def test_the_json_run_reports_every_contract_figure(workdir, capsys):
    args = ["--size", "2000", "--provinces", "2", "--communes", "30", "--json", "--only", "sweep,outbox,report",
            "--emails", "60", "--sinks", "1", "--runs", "2", "--list-runs", "1", "--cli-runs", "0"]
    bench_main.main(args)
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    for key in ("sweep_s", "floor_s", "naive_s", "sweep_ratio_floor", "sweep_ratio_naive", "sweep_peak_rss_mb",
                "outbox_emails_per_s", "outbox_ratio_stdlib", "report_p95_ms"):
        assert out[key] is not None, key
    assert out["same_output"] is True
    assert out["repeat_looked_at"] == 0
    lines = (workdir / "results" / "sweep.jsonl").read_text().splitlines()
    assert json.loads(lines[-1])["benchmark"] == "sweep"


def test_a_copy_starts_from_the_same_rows(workdir):
    db, _ = dataset("sqlite", TINY, progress=False)
    copy = store.clone(db, "copy")
    try:
        assert fingerprint(copy) == fingerprint(db)
    finally:
        drop(copy)
        drop(Db("sqlite", db.name))


def test_the_cycle_run_reports_every_cycle_figure_or_says_why_not(workdir, capsys):
    args = ["--cycle", "--size", "2000", "--provinces", "2", "--communes", "30", "--json", "--sinks", "1",
            "--delay-ms", "5", "--connections", "4", "--stdlib-sample", "5", "--clients", "2", "--seconds", "2"]
    bench_main.main(args)
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    for key in ("cycle_s", "outbox_emails_per_s", "outbox_ratio_stdlib", "dashboard_quiet_p95_ms",
                "dashboard_under_writes_p95_ms"):
        assert out[key] is not None, key
    assert set(out["cycle_stages"]) == {"sweep_s", "compose_s", "send_s"}
    assert out["outbox_delay_ms"] == 5
    assert out["cycle_emails"] > 0 and out["live_writes"] > 0
    for key in ("prefect_speedup_2_workers", "prefect_overhead_ratio"):
        assert out[key] is None and any(note.startswith(key) for note in out["notes"])
