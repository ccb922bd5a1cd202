"""Precision and recall of a draft against a hand-written answer key, per field.

Each field is compared as a set of (task number, value) pairs: a pair the
draft states and the key does not is a false positive, the reverse a false
negative. A task whose key has no value for a field (a province duty without
a timeframe) counts only if the draft invents one. Reporting dates are
compared as a set of "dd/mm".
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dondoc.importer import ImportResult
from dondoc.importer.vn import clean, folded_key

FIELDS = ("task found", "lead", "coordinating agencies", "timeframe", "indicators", "reporting dates")


@dataclass(frozen=True)
class Score:
    field: str
    predicted: int
    expected: int
    correct: int

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0


def _timeframe(text: str | None) -> str | None:
    return clean(text).rstrip(" .;") if text else None


def _lead(result: ImportResult, lead: str | None) -> str | None:
    proposed = {p.id: p.name for p in result.proposed_agencies}
    return f"new:{folded_key(proposed[lead])}" if lead in proposed else lead


def _key_lead(lead: str | None) -> str | None:
    return f"new:{folded_key(lead[4:])}" if lead and lead.startswith("new:") else lead


def _pairs(result: ImportResult, key: dict[str, Any]) -> dict[str, tuple[set, set]]:
    tasks = key["tasks"]
    draft = {t.number: t for t in result.tasks}
    return {
        "task found": (set(draft), set(tasks)),
        "lead": ({(n, _lead(result, t.lead)) for n, t in draft.items() if t.lead},
                 {(n, _key_lead(k.get("lead"))) for n, k in tasks.items() if k.get("lead")}),
        "coordinating agencies": ({(n, a) for n, t in draft.items() for a in t.support},
                                  {(n, a) for n, k in tasks.items() for a in k.get("support") or []}),
        "timeframe": ({(n, _timeframe(t.timeframe)) for n, t in draft.items() if t.timeframe},
                      {(n, _timeframe(k["timeframe"])) for n, k in tasks.items() if k.get("timeframe")}),
        "indicators": ({(n, i) for n, t in draft.items() for i in t.indicators},
                       {(n, i) for n, k in tasks.items() for i in k.get("indicators") or []}),
        "reporting dates": ({r.due for r in result.plan.reporting if r.due}, set(key["reporting_dates"])),
    }


def score(result: ImportResult, key: dict[str, Any]) -> dict[str, Score]:
    return {name: Score(name, len(got), len(want), len(got & want)) for name, (got, want) in _pairs(result, key).items()}


def misses(result: ImportResult, key: dict[str, Any], field: str) -> tuple[set, set]:
    """(false positives, false negatives) of one field, to explain a score."""
    got, want = _pairs(result, key)[field]
    return got - want, want - got


def table(scores: dict[str, dict[str, Score]]) -> str:
    """A markdown table: one row per field, precision / recall (correct of n) per document."""
    docs = list(scores)
    head = "| field | " + " | ".join(f"{d}: precision | {d}: recall" for d in docs) + " |"
    rule = "|---|" + "---:|---:|" * len(docs)
    rows = [head, rule]
    for name in FIELDS:
        cells = []
        for doc in docs:
            s = scores[doc][name]
            cells += [f"{s.precision:.1%} ({s.correct}/{s.predicted})", f"{s.recall:.1%} ({s.correct}/{s.expected})"]
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(rows)
