"""Geometry of the dashboard's inline SVG charts (pure): the templates draw
them, so they work with JavaScript off and print well."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

LABEL_CHARS = 34


@dataclass(frozen=True)
class Bar:
    label: str
    full_label: str
    value: int
    y: float
    width: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: tuple[Bar, ...]


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def bar_chart(items: list[tuple[str, int]], *, width: int = 720, label_width: int = 260, bar_height: int = 20,
              gap: int = 6) -> BarChart:
    """Horizontal bars, longest = the largest value; room left for the number."""
    top = max((v for _, v in items), default=0) or 1
    room = width - label_width - 48
    bars = tuple(Bar(_short(label), label, value, i * (bar_height + gap), room * value / top)
                 for i, (label, value) in enumerate(items))
    return BarChart(width, max(1, len(items)) * (bar_height + gap), label_width, bar_height, bars)


@dataclass(frozen=True)
class Point:
    day: date
    value: int
    x: float
    y: float


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    top: int
    bottom: int
    points: tuple[Point, ...]

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def line_chart(series: list[tuple[date, int]], *, width: int = 720, height: int = 220, margin: int = 40) -> LineChart:
    """Points spread evenly left to right; y from 0 (bottom) to the maximum."""
    top = max((v for _, v in series), default=0) or 1
    step = (width - 2 * margin) / max(1, len(series) - 1)
    plot = height - 2 * margin
    points = tuple(Point(d, v, margin + i * step, margin + plot * (1 - v / top)) for i, (d, v) in enumerate(series))
    return LineChart(width, height, margin, height - margin, points)
