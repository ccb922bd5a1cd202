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

SCHEDULE_HELP = "Biểu thức cron theo giờ Asia/Ho_Chi_Minh / cron in Asia/Ho_Chi_Minh"


def _print(data: dict[str, Any], as_json: bool, line: str) -> None:
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    else:
        typer.echo(line)


def _prepare_database() -> None:
    from dondoc.cli import _engine

    _engine()


@prefect_app.command("deploy")
def deploy_cmd(pool: Annotated[str, typer.Option(help="Work pool (kiểu process), tạo nếu chưa có")] = "dondoc",
               partitions: Annotated[int, typer.Option(min=1, max=256, help="Số phần rà soát song song")] = 4,
               spread: Annotated[bool, typer.Option(help="Chia các phần cho mọi worker / slices as runs on any worker")] = True,
               sweep_cron: Annotated[str, typer.Option(help=SCHEDULE_HELP)] = "30 7 * * 1-5",
               send_cron: Annotated[str, typer.Option(help=SCHEDULE_HELP)] = "* * * * *",
               summary_cron: Annotated[str, typer.Option(help=SCHEDULE_HELP)] = "0 8 * * 1") -> None:
    """Tạo/cập nhật các deployment trên Prefect server / create or update the deployments."""
    from dondoc.workflows.deploy import Schedules, deploy_all, deployments

    schedules = Schedules(sweep=sweep_cron, send=send_cron, summary=summary_cron)
    ids = deploy_all(pool=pool, partitions=partitions, spread=spread, schedules=schedules)
    for d, deployment_id in zip(deployments(partitions=partitions, spread=spread, schedules=schedules), ids):
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
    r = national_sweep(partitions=partitions, now=now)
    _print(r, as_json, f"Rà soát ngày {r['as_of']} ({r['partitions']} phần): xem {r['looked_at']}, sắp đến hạn "
                       f"{r['due_soon']}, quá hạn {r['overdue']}, đôn đốc lên cấp trên {r['escalated']}, "
                       f"thư xếp hàng {r['emails_queued']}")


@prefect_app.command("run-send")
def run_send_cmd(max_batches: Annotated[Optional[int], typer.Option(help="Giới hạn số lô / stop after N batches")] = None,
                 as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Chạy luồng gửi thư tại máy này / run the send-outbox flow here."""
    from dondoc.workflows.flows import send_outbox

    _prepare_database()
    r = send_outbox(max_batches=max_batches)
    _print(r, as_json, f"Đã gửi {r['sent']}, lỗi {r['failed']}, thử lại sau {r['retrying']}")


@prefect_app.command("run-summary")
def run_summary_cmd(now: Annotated[Optional[str], typer.Option(help="ISO date/time")] = None) -> None:
    """Chạy luồng thư tổng hợp tuần tại máy này / run the weekly-summary flow here."""
    from dondoc.workflows.flows import weekly_summary

    _prepare_database()
    typer.echo(f"Đã xếp hàng {weekly_summary(now=now)} thư tổng hợp / queued")
