"""A duty of the plan's body that restates a row of its appendix table is one task, the row (pure).

Compared on word pairs of the folded text: a body duty whose first words (up to 30) are found, for the most
part (>= 60 %), in one table row's text is that row restated. An inverted index keeps it linear.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict

from dondoc.importer.model import Found, Note, Task
from dondoc.importer.vn import fold

_SHARE = 0.6


def word_pairs(text: str, limit: int | None = None) -> set[tuple[str, str]]:
    words = re.findall(r"\w+", fold(text))[:limit]
    return set(zip(words, words[1:], strict=False))


def drop_restatements(body: list[Task], rows: list[Task], found: Found) -> list[Task]:
    index: dict[tuple[str, str], set[int]] = defaultdict(set)
    for i, row in enumerate(rows):
        for pair in word_pairs(row.text):
            index[pair].add(i)
    kept = []
    for task in body:
        pairs = word_pairs(task.text, 30)
        hits = Counter(i for pair in pairs for i in index.get(pair, ()))
        best = hits.most_common(1)
        if pairs and best and best[0][1] / len(pairs) >= _SHARE:
            found.notes.append(Note("tasks", task.line, f"Nhiệm vụ {task.number} nhắc lại dòng {rows[best[0][0]].number} "
                                                        "của phụ lục: chỉ nhập một lần (theo phụ lục)"))
            continue
        kept.append(task)
    return kept
