"""The Prefect server with our pinned dependencies: it imports, and its
scheduler turns our deployments' cron schedules into runs at the right local times."""
from __future__ import annotations

import time
from datetime import datetime

import pytest

from dondoc.engine.calendar import VN_TZ
from tests.workflows.conftest import TIMINGS
from tests.workflows.prefect_procs import prefect_server

POOL = "dondoc-test"


def test_the_prefect_server_imports_and_builds_its_app_with_our_pinned_fastapi():
    import fastapi
    from prefect.server.api.server import create_app

    app = create_app(ephemeral=True)
    assert tuple(int(p) for p in fastapi.__version__.split(".")[:2]) < (0, 155)
    assert any(getattr(r, "path", "") == "/api" for r in app.routes)


def test_prefects_own_client_lists_deployments_as_its_cli_does(prefect_harness):
    """FastAPI >= 0.151 answers 422 to the nulls Prefect 3.8.8's client sends (limit, sort,
    filters), which breaks `prefect deployment ls`; hence the pin fastapi==0.150.0."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        client.read_deployments()


def _scheduled_runs(client, deployment_id) -> list:  # noqa: ANN001
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterId,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import FlowRunSort

    scheduled = FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED])))
    # limit and sort given: Prefect's client sends null for them otherwise, which FastAPI >= 0.151 refuses (422)
    return client.read_flow_runs(deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
                                 flow_run_filter=scheduled, sort=FlowRunSort.EXPECTED_START_TIME_ASC, limit=200)


def _schedules(deployment_id) -> list:  # noqa: ANN001
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return client.read_deployment(deployment_id).schedules


def _local_starts(api_url: str, deployment_ids: list, timeout_s: float = 120) -> list[list[datetime]]:
    """Poll until Prefect's scheduler created runs for every deployment; their start times in Vietnam."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    deadline = time.monotonic() + timeout_s
    with temporary_settings({PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            runs = [_scheduled_runs(client, d) for d in deployment_ids]
            if all(runs):
                return [sorted(r.expected_start_time.astimezone(VN_TZ) for r in rs) for rs in runs]
            time.sleep(1)
    raise TimeoutError("the scheduler created no runs for some deployment")


@pytest.mark.slow
def test_prefects_scheduler_creates_runs_at_the_deployments_cron_times_in_vietnam(tmp_path):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from dondoc.settings import Settings
    from dondoc.workflows.deploy import Schedules, deploy_all

    schedules = Schedules.from_settings(Settings())  # the crons `serve` uses: one timetable for both runners

    started = time.perf_counter()
    with prefect_server(tmp_path / "prefect-home") as url:
        TIMINGS["prefect_server_start_s"] = round(time.perf_counter() - started, 2)
        with temporary_settings({PREFECT_API_URL: url}):
            ids = deploy_all(pool=POOL, partitions=3, schedules=schedules)
            assert deploy_all(pool=POOL, partitions=3, schedules=schedules) == ids  # a redeploy updates in place
            assert [len(_schedules(d)) for d in ids] == [1, 0, 1, 1, 1]  # the partition deployment has none
        started = time.perf_counter()
        sweep, send, summary, rollover = _local_starts(url, [ids[0], *ids[2:]])
        TIMINGS["first_scheduled_runs_s"] = round(time.perf_counter() - started, 2)
    assert all((t.hour, t.minute) == (7, 30) and t.weekday() < 5 for t in sweep)
    assert all((t.hour, t.minute, t.weekday()) == (8, 0, 0) for t in summary)
    assert all((t.hour, t.minute) == (1, 15) for t in rollover)
    assert all(t.second == 0 for t in send) and len(send) >= 3
    assert all((b - a).total_seconds() == 60 for a, b in zip(send, send[1:], strict=False))
