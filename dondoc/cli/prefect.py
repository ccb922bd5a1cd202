"""`dondoc prefect ...`: deploy the flows to a Prefect work pool, or run them here.

Prefect is imported inside the commands: it takes seconds to import, and the
rest of `dondoc` must not pay for it.
"""
from __future__ import annotations

import json
import sys
from typing import Annotated, Any, Optional

import typer

prefect_app = typer.Typer(help="Chạy quy mô lớn với Prefect / scale-out on Prefect (server + workers).",
                          no_args_is_help=True)

SPREAD_HELP = "Chia các phần rà soát cho mọi worker / run the sweep's slices as flow runs on any worker"
SCHEDULE_HELP = "Lịch gửi thư, cron theo giờ Asia/Ho_Chi_Minh / send schedule, cron in Asia/Ho_Chi_Minh"


def _print(data: dict[str, Any], as_json: bool, line: str) -> None:
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    else:
        typer.echo(line)


def _prepare_database() -> None:
    from dondoc.cli.app import open_engine

    open_engine()


def _result(state: Any) -> Any:
    """A flow run's result, or its failure message last and exit code 1."""
    if not state.is_completed():
        typer.echo(f"Lỗi / failed: {state.message}", err=True)
        raise typer.Exit(1)
    return state.result()


@prefect_app.command("deploy")
def deploy_cmd(pool: Annotated[str, typer.Option(help="Work pool (kiểu process), tạo nếu chưa có")] = "dondoc",
               partitions: Annotated[int, typer.Option(min=1, max=256, help="Số phần rà soát song song")] = 4,
               spread: Annotated[bool, typer.Option(help=SPREAD_HELP)] = True,
               send_cron: Annotated[str, typer.Option(help=SCHEDULE_HELP)] = "* * * * *") -> None:
    """Tạo/cập nhật các deployment trên Prefect server / create or update the deployments.
    Lịch rà soát, tổng hợp, chuyển kỳ lấy từ DONDOC_SWEEP_CRON, DONDOC_SUMMARY_CRON, DONDOC_ROLLOVER_CRON."""
    from dataclasses import replace

    from dondoc.cli.app import read_settings
    from dondoc.workflows.deploy import Schedules, deploy_all, deployments

    schedules = replace(Schedules.from_settings(read_settings()), send=send_cron)
    ids = deploy_all(pool=pool, partitions=partitions, spread=spread, schedules=schedules)
    for d, deployment_id in zip(deployments(partitions=partitions, spread=spread, schedules=schedules), ids, strict=False):
        crons = ", ".join(f"{s.schedule.cron} ({s.schedule.timezone})" for s in d.schedules or []) or "-"
        typer.echo(f"{d.flow_name}/{d.name}  {crons}  params={json.dumps(d.parameters)}  id={deployment_id}")
    typer.echo(f"Khởi động worker / start workers: prefect worker start --pool {pool}")


@prefect_app.command("run-sweep")
def run_sweep_cmd(now: Annotated[Optional[str], typer.Option(help="ISO date/time (mặc định: bây giờ)")] = None,
                  partitions: Annotated[int, typer.Option(min=1, max=256)] = 4,
                  as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Chạy luồng rà soát tại máy này / run the national-sweep flow here."""
    from dondoc.workflows.flows import national_sweep

    _prepare_database()
    r = _result(national_sweep(partitions=partitions, now=now, return_state=True))
    _print(r, as_json, f"Rà soát ngày {r['as_of']} ({r['partitions']} phần): xem {r['looked_at']}, sắp đến hạn "
                       f"{r['due_soon']}, quá hạn {r['overdue']}, đôn đốc lên cấp trên {r['escalated']}, "
                       f"thư xếp hàng {r['emails_queued']}")


@prefect_app.command("run-send")
def run_send_cmd(max_batches: Annotated[Optional[int], typer.Option(help="Dừng sau N lô / stop after N")] = None,
                 as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Chạy luồng gửi thư tại máy này / run the send-outbox flow here."""
    from dondoc.workflows.flows import send_outbox

    _prepare_database()
    r = _result(send_outbox(max_batches=max_batches, return_state=True))
    _print(r, as_json, f"Đã gửi {r['sent']}, lỗi {r['failed']}, thử lại sau {r['retrying']}")


@prefect_app.command("run-summary")
def run_summary_cmd(now: Annotated[Optional[str], typer.Option(help="ISO date/time")] = None) -> None:
    """Chạy luồng thư tổng hợp tuần tại máy này / run the weekly-summary flow here."""
    from dondoc.workflows.flows import weekly_summary

    _prepare_database()
    typer.echo(f"Đã xếp hàng {_result(weekly_summary(now=now, return_state=True))} thư tổng hợp / queued")


@prefect_app.command("run-rollover")
def run_rollover_cmd(now: Annotated[Optional[str], typer.Option(help="ISO date/time")] = None) -> None:
    """Chạy luồng tạo kỳ tiếp theo tại máy này / run the rollover flow here."""
    from dondoc.workflows.flows import rollover

    _prepare_database()
    typer.echo(f"Đã tạo {_result(rollover(now=now, return_state=True))} kỳ thực hiện mới / occurrences created")
