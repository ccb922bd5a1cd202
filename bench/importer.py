"""Drafting time against document size (issue 13 item 8, issue 15 item 2): it must grow linearly.

Two shapes, each at sizes doubling: short numbered lines that share one assignment written at the
end (the shape that was quadratic), and the longest real plan (Đồng Nai, 135 KB) repeated k times.
The figure that matters is the growth ratio: time(2n) / time(n), about 2 when linear, 4 when quadratic.

    python -m bench --importer --quick      sizes 1k..8k lines, 1..4 copies (seconds)
    python -m bench --importer              sizes 1k..16k lines, 1..8 copies
"""
from __future__ import annotations

import time
from pathlib import Path

from bench.common import say
from dondoc.importer import draft_plan, from_text

PLAN = Path(__file__).resolve().parents[1].parent / "shared" / "plans" / "train" / "dong-nai-kinh-te-so-xa-hoi-so-2025.txt"
AGENCIES = [{"id": "so-y-te", "name": "Sở Y tế"}]


def numbered(n: int) -> str:
    return "KẾ HOẠCH\nThử\n" + "\n".join(f"{i % 50 + 1}. Việc số {i}" for i in range(n)) + "\nChủ trì: Sở Y tế\n"


def _seconds(text: str, repeat: int = 3) -> float:
    source = from_text(text, "bench.txt")
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        draft_plan(source, agencies=AGENCIES)
        best = min(best, time.perf_counter() - start)
    return best


def _series(name: str, texts: dict[int, str]) -> dict:
    times = {size: round(_seconds(text), 4) for size, text in texts.items()}
    sizes = sorted(times)
    ratios = [round(times[b] / times[a], 2) for a, b in zip(sizes, sizes[1:], strict=False) if times[a] > 0]
    for size in sizes:
        say(f"importer {name}: {size:>6} -> {times[size]:.3f} s")
    say(f"importer {name}: growth per doubling {ratios} (2 = linear, 4 = quadratic)")
    return {f"{name}_s": {str(k): v for k, v in times.items()}, f"{name}_growth": ratios,
            f"{name}_growth_max": max(ratios) if ratios else None}


def run(*, quick: bool = True) -> dict:
    lines = [1_000 * 2**k for k in range(4 if quick else 5)]
    figures = _series("numbered_lines", {n: numbered(n) for n in lines})
    if PLAN.exists():
        plan = PLAN.read_text(encoding="utf-8")
        copies = [2**k for k in range(3 if quick else 4)]
        figures |= _series("real_plan_copies", {k: "\n".join([plan] * k) for k in copies})
        figures["real_plan_kb"] = round(len(plan.encode()) / 1024)
    return figures
