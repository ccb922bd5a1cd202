"""Numbered lines of a plan document: what every reader produces (pure)."""
from __future__ import annotations

from dataclasses import dataclass

from dondoc.importer.errors import PlanImportError

# The longest real plan has ~1,500 lines; these bounds keep any upload to seconds (drafting is linear).
MAX_LINES = 100_000
MAX_PARAGRAPHS = 30_000


def too_long(name: str, count: int, limit: int, what: str = "dòng / lines") -> PlanImportError:
    return PlanImportError(name, f"văn bản quá dài ({count:,} {what}; tối đa {limit:,}): hãy tách thành các kế "
                                 f"hoạch nhỏ hơn / the document is too long to be one plan ({count:,} {what})")


@dataclass(frozen=True)
class Line:
    no: int
    text: str


@dataclass(frozen=True)
class Para:
    """A paragraph: one or more lines joined, numbered by its first line."""

    line: int
    text: str


@dataclass(frozen=True)
class SourceText:
    name: str                       # file name as shown in "file:line"
    lines: tuple[Line, ...]

    def where(self, no: int) -> str:
        return f"{self.name}:{no}"
