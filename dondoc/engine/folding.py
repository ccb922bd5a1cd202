"""Phrase folding for the timeframe reader (pure, standard library only).

Phrases are matched on a folded copy (lower case, no diacritics, "đ" -> "d",
dashes unified) while every cut keeps the text as written.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_FOLD = str.maketrans({"đ": "d", "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
                       "\u2014": "-", "\u2212": "-"})


@dataclass(frozen=True)
class Fragment:
    raw: str                 # as written (NFC, spaces collapsed, edge punctuation trimmed)
    key: str                 # folded, for matching
    index: tuple[int, ...]   # position in raw of each key character

    @classmethod
    def of(cls, raw: str) -> Fragment:
        raw = " ".join(raw.split()).lstrip("-+•* ").rstrip(" .;,:")
        chars: list[str] = []
        index: list[int] = []
        for i, char in enumerate(raw):
            for c in unicodedata.normalize("NFD", char.lower()):
                if not unicodedata.combining(c):
                    chars.append(c.translate(_FOLD))
                    index.append(i)
        return cls(raw, "".join(chars), tuple(index))

    def cut(self, start: int, end: int) -> Fragment:
        if start >= end:
            return Fragment.of("")
        return Fragment.of(self.raw[self.index[start]:self.index[end - 1] + 1])

    def split(self, pattern: re.Pattern[str]) -> list[Fragment]:
        bounds = [0, *(b for m in pattern.finditer(self.key) for b in m.span()), len(self.key)]
        return [self.cut(a, b) for a, b in zip(bounds[::2], bounds[1::2], strict=True)]


__all__ = ["Fragment"]
