"""The deployments run by real process workers, as in production: a spread
sweep runs each partition as a flow run of its own that any worker may take,
and queues the same outbox as the plain sweep."""
from __future__ import annotations

import time

import pytest

from tests.conftest import free_port
from tests.workflows.conftest import TIMINGS
from tests.workflows.examples import NOW, example_database, outbox, plain_sweep
from tests.workflows.prefect_procs import prefect_server, prefect_workers

POOL = "dondoc-e2e"
PARTITIONS = 4


def _runs_of(deployment_id) -> list:  # noqa: ANN001
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
    from prefect.client.schemas.sorting import FlowRunSort

    with get_client(sync_client=True) as client:
        return client.read_flow_runs(deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
                                     sort=FlowRunSort.EXPECTED_START_TIME_ASC, limit=50)


@pytest.mark.slow
@pytest.mark.parametrize("db_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_two_process_workers_run_a_spread_sweep_that_queues_the_plain_outbox(db_url, twin_url, tmp_path):
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from dondoc.settings import Settings
    from dondoc.workflows.deploy import Schedules, deploy_all

    plain, spread = plain_sweep(twin_url), example_database(db_url)
    home = tmp_path / "prefect-home"
    # no scheduler: only the run started here, no cron sends to whatever listens on the default SMTP port
    with prefect_server(home, scheduler=False) as url, temporary_settings({PREFECT_API_URL: url}):
        schedules = Schedules.from_settings(Settings())
        sweep_id, partition_id, *_ = deploy_all(pool=POOL, partitions=PARTITIONS, schedules=schedules)
        with prefect_workers(home, url, POOL, 2, DONDOC_DATABASE_URL=db_url, DONDOC_SMTP_PORT=str(free_port())):
            started = time.perf_counter()
            run = run_deployment(sweep_id, parameters={"now": NOW}, timeout=240, poll_interval=1, as_subflow=False)
            TIMINGS["spread_sweep_on_workers_s"] = round(time.perf_counter() - started, 2)
        parts = _runs_of(partition_id)
    assert run.state.is_completed(), run.state
    assert len(parts) == PARTITIONS and all(p.state.is_completed() for p in parts)
    assert sorted(p.parameters["index"] for p in parts) == list(range(PARTITIONS))
    assert outbox(spread) == outbox(plain)
