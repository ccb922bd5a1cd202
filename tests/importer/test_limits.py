"""Drafting is linear in the document's size, and a document too long to be a plan is refused at once."""
from __future__ import annotations

import copy
import io
import time

import docx
import pytest

from dondoc.importer import PlanImportError, draft_plan, from_text
from dondoc.importer.lines import MAX_PARAGRAPHS
from dondoc.importer.wordfile import docx_lines

AGENCIES = [{"id": "so-y-te", "name": "Sở Y tế"}]


def numbered(n: int) -> str:
    """n short numbered lines, the assignment written once at the end (every item shares it)."""
    return "KẾ HOẠCH\nThử\n" + "\n".join(f"{i % 50 + 1}. Việc số {i}" for i in range(n)) + "\nChủ trì: Sở Y tế\n"


def test_sixteen_thousand_numbered_lines_sharing_one_assignment_draft_in_seconds():
    result = draft_plan(from_text(numbered(16_000), "x.txt"), agencies=AGENCIES)
    assert len(result.tasks) == 16_000 and all(t.lead == "so-y-te" for t in result.tasks)


def test_a_million_short_lines_are_refused_in_a_clear_bilingual_line():
    start = time.perf_counter()
    with pytest.raises(PlanImportError, match="quá dài.*too long"):
        draft_plan(from_text("1. a\n" * 1_000_000, "big.txt"), agencies=AGENCIES)
    assert time.perf_counter() - start < 10


def test_a_word_file_of_too_many_paragraphs_is_refused_before_it_is_read():
    document = docx.Document()
    body = document.element.body
    template = document.add_paragraph("1. a")._p
    for _ in range(MAX_PARAGRAPHS + 1):
        body.append(copy.deepcopy(template))
    buffer = io.BytesIO()
    document.save(buffer)
    with pytest.raises(PlanImportError, match="quá dài"):
        docx_lines(buffer.getvalue(), "big.docx")
