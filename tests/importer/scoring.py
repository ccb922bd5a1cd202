"""Precision and recall of a draft against a hand-written answer key, per field.

Each field is compared as a set of (task number, value) pairs: a pair the
draft states and the key does not is a false positive, the reverse a false
negative. A task whose key has no value for a field (a province duty without
a timeframe) counts only if the draft invents one. Reporting dates are
compared as a set of "dd/mm".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from dondoc.importer import ImportResult
from dondoc.importer.vn import clean, fold, folded_key

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


# ---- Answer keys of the training plans (tests/data/answer_keys/train/): agencies by name, tasks by title ----

_PLACE_WORDS = r"(?:tinh|thanh pho|tp|xa|phuong|dac khu)"


def agency_key(name: str | None, place: str = "") -> str:
    """A name folded for comparison: case, diacritics, UBND/HĐND, "TP", and a trailing place name do not matter."""
    if not name:
        return ""
    key = re.sub(r"\btp\b", "thanh pho", folded_key(name))
    place_key = folded_key(place) if place else ""
    if place_key:
        key = re.sub(rf"(?:\s+{_PLACE_WORDS})?\s+{re.escape(place_key)}$", "", key)
    return re.sub(rf"(?:\s+(?:cap\s+)?{_PLACE_WORDS})+$", "", key).strip()


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", fold(clean(text)))


def _bigrams(tokens: list[str]) -> set[tuple[str, str]]:
    return set(zip(tokens, tokens[1:], strict=False)) or {(t, "") for t in tokens}


def title_overlap(key_title: str, draft_text: str) -> float:
    """Share of the key title's word pairs found in the draft task's first 80 words."""
    want = _bigrams(_tokens(key_title))
    return len(want & _bigrams(_tokens(draft_text)[:80])) / len(want) if want else 0.0


def match_tasks(result: ImportResult, key_tasks: dict[str, dict], threshold: float = 0.5) -> dict[str, Any]:
    """Key number -> draft task, one to one, best overlaps first (numbers are not compared)."""
    # Equal titles (the same duty given to several agencies) are told apart by the number, nothing else.
    pairs = sorted(((round(title_overlap(k["title"], f"{t.title} {t.text}"), 6), n == t.number, n, i)
                    for n, k in key_tasks.items() for i, t in enumerate(result.tasks)), reverse=True)
    taken_keys, taken_drafts, out = set(), set(), {}
    for overlap, _, number, index in pairs:
        if overlap < threshold:
            break
        if number not in taken_keys and index not in taken_drafts:
            taken_keys.add(number), taken_drafts.add(index)
            out[number] = result.tasks[index]
    return out


def agency_names(result: ImportResult, registry: list[dict]) -> dict[str, list[str]]:
    """Every id a draft may use -> the names it stands for (registry name and aliases, or the proposal's)."""
    names = {str(r["id"]): [str(r["name"]), *map(str, r.get("aliases") or [])] for r in registry}
    names.update({p.id: [p.name, *p.aliases] for p in result.proposed_agencies})
    return names


def _same_agency(agency_id: str | None, written: str | None, names: dict[str, list[str]], place: str) -> bool:
    if not agency_id or not written:
        return not agency_id and not written
    return agency_key(written, place) in {agency_key(n, place) for n in names.get(agency_id, [agency_id])}


def timeframe_key(text: str | None) -> str:
    return " ".join(_tokens(text)) if text else ""


def report_entries(items: list[dict]) -> set[tuple]:
    out = set()
    for item in items:
        due = item.get("due")
        if due:
            due = "/".join(f"{int(p):02d}" if len(p) < 3 else p for p in str(due).split("/"))
        out.add((str(item.get("every")), due, item.get("day"), item.get("time")))
    return out


@dataclass(frozen=True)
class PlanScore:
    expected: int                   # key tasks
    predicted: int                  # draft tasks
    found: int                      # key tasks matched to a draft task
    lead: int                       # matched and the lead agrees (both none counts)
    timeframe: int
    support_right: int
    support_predicted: int
    support_expected: int
    reporting_found: int
    reporting_expected: int
    reporting_predicted: int
    issuer: bool
    focal: bool
    vague_scheduled: tuple[str, ...]
    foreign: tuple[str, ...]        # registry ids of another place used by the draft

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.found / self.predicted if self.predicted else 1.0

    def share(self, right: int) -> float:
        return right / self.expected if self.expected else 1.0


def score_plan(result: ImportResult, key: dict[str, Any], registry: list[dict], foreign_ids: set[str]) -> PlanScore:
    place, names = key.get("place") or "", agency_names(result, registry)
    matched = match_tasks(result, key["tasks"])
    lead = timeframe = s_right = s_pred = s_exp = 0
    vague = []
    for number, want in key["tasks"].items():
        got = matched.get(number)
        s_exp += len(want.get("support") or [])
        if got is None:
            continue
        lead += _same_agency(got.lead, want.get("lead"), names, place)
        timeframe += timeframe_key(got.timeframe) == timeframe_key(want.get("timeframe"))
        s_pred += len(got.support)
        s_right += sum(any(_same_agency(a, w, names, place) for a in got.support) for w in want.get("support") or [])
        if want.get("vague") and got.schedule:
            vague.append(number)
    want_reports = report_entries(key.get("reporting") or [])
    got_reports = report_entries([{"every": r.every, "due": r.due, "day": r.day, "time": r.time}
                                  for r in result.plan.reporting])
    plan = result.plan
    used = {plan.issued_by, plan.focal, *(t.lead for t in plan.tasks), *(a for t in plan.tasks for a in t.support)}
    issuer_names = names.get(plan.issued_by or "", [])
    issuer_ok = any(agency_key(n) == agency_key(key["issuer"]) for n in issuer_names)
    return PlanScore(len(key["tasks"]), len(result.tasks), len(matched), lead, timeframe, s_right, s_pred, s_exp,
                     len(want_reports & got_reports), len(want_reports), len(got_reports), issuer_ok,
                     _same_agency(plan.focal, key.get("focal"), names, place), tuple(vague),
                     tuple(sorted(i for i in used if i in foreign_ids)))


def plan_row(name: str, form: str, s: PlanScore) -> str:
    pct = lambda a, b: f"{a / b:.0%} ({a}/{b})" if b else "–"
    return (f"| {name} | {form} | {pct(s.found, s.expected)} | {pct(s.found, s.predicted)} | {pct(s.lead, s.expected)} "
            f"| {pct(s.timeframe, s.expected)} | {pct(s.support_right, s.support_expected)} "
            f"| {s.reporting_found}/{s.reporting_expected} (+{s.reporting_predicted - s.reporting_found}) "
            f"| {'✓' if s.issuer else '✗'} | {'✓' if s.focal else '✗'} | {len(s.vague_scheduled)} | {len(s.foreign)} |")


PLAN_TABLE_HEAD = ("| plan | form | tasks found | precision | lead right | timeframe right | coordinating found "
                   "| reporting (extra) | issuer | focal | vague scheduled | other place's agencies |\n"
                   "|---|---|---:|---:|---:|---:|---:|---:|:-:|:-:|---:|---:|")
