"""How long the `dondoc` command takes before it does anything: `--help` of the
command and of each subcommand, against `python -c pass` in the same run (the
interpreter's own start-up is the floor no change of ours can go below)."""
from __future__ import annotations

import statistics
import subprocess
import sys
import time

from bench.common import say

COMMANDS = (["--help"], ["report", "overdue", "--help"], ["check", "--help"], ["load", "--help"],
            ["import-plan", "--help"], ["serve", "--help"])


def _seconds(argv: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    return times


def run(*, runs: int = 10) -> dict:
    floor = statistics.median(_seconds([sys.executable, "-c", "pass"], runs))
    figures: dict = {"cli_floor_ms": round(floor * 1000, 1), "runs": runs}
    for argv in COMMANDS:
        name = "_".join(a for a in argv if a != "--help") or "dondoc"
        median = statistics.median(_seconds([sys.executable, "-m", "dondoc", *argv], runs))
        figures[f"cli_{name}_help_ms"] = round(median * 1000, 1)
        figures[f"cli_{name}_help_ratio_floor"] = round(median / floor, 2)
    say(f"cli: python -c pass {figures['cli_floor_ms']} ms; dondoc --help {figures['cli_dondoc_help_ms']} ms "
        f"({figures['cli_dondoc_help_ratio_floor']}x)")
    return figures
