"""What reading config yields: the parsed items with where they came from, and
the problems found, each one `file:line: field: message`."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dondoc.engine.timeframes import Schedule


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class ConfigError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Located:
    """A parsed item and where it came from."""

    item: Any
    file: str
    lines: dict[tuple, int]
    path: tuple

    def line(self, *sub: Any) -> int:
        for n in range(len(sub), -1, -1):
            if (found := self.lines.get(self.path + tuple(sub[:n]))) is not None:
                return found
        return 0


@dataclass
class Config:
    agencies: dict[str, Located] = field(default_factory=dict)
    policies: dict[str, Located] = field(default_factory=dict)
    plans: dict[str, Located] = field(default_factory=dict)
    schedules: dict[tuple[str, str], Schedule] = field(default_factory=dict)  # (plan id, task number)
    warnings: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    # day -> (working, note, source file:line); None when no file has a `calendar:` section
    calendar: dict[date, tuple[bool, str, str]] | None = None
