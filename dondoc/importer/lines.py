"""Numbered lines of a plan document: what every reader produces (pure)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    no: int
    text: str


@dataclass(frozen=True)
class SourceText:
    name: str                       # file name as shown in "file:line"
    lines: tuple[Line, ...]

    def where(self, no: int) -> str:
        return f"{self.name}:{no}"
