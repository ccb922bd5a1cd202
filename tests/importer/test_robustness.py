"""Whatever the text, the importer returns a draft or raises PlanImportError, nothing else."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dondoc.importer import PlanImportError, draft_plan, from_text, to_yaml

from .conftest import DATA, PLANS, read_agencies

LINES = [line for f in sorted(PLANS.glob("*.txt")) for line in f.read_text(encoding="utf-8").splitlines()] if PLANS.is_dir() else []
AGENCIES = read_agencies(DATA / "importer_agencies.yaml")
PIECES = st.sampled_from(["Số: 1/KH-UBND", "KẾ HOẠCH", "I. NỘI DUNG", "1.", "1.1. Việc", "a) b", "- ", "Chủ trì:",
                          "Phối hợp với", "Thời gian thực hiện: Quý V/2023", "2.3. Sở Y tế", "Nơi nhận:", "¹",
                          "Chế độ báo cáo", "ngày 40 tháng 13", "III. TỔ CHỨC THỰC HIỆN", "chủ trì phối hợp với"])


def survives(text: str) -> None:
    try:
        result = draft_plan(from_text(text, "x.txt"), agencies=AGENCIES)
    except PlanImportError:
        return
    to_yaml(result)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text_gives_a_draft_or_a_clear_error(text):
    survives(text)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.lists(st.one_of(PIECES, st.text(max_size=30)), max_size=30))
def test_plan_like_fragments_give_a_draft_or_a_clear_error(pieces):
    survives("\n".join(pieces))


@settings(derandomize=True, max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(LINES or [""]), max_size=120))
def test_shuffled_lines_of_the_real_plans_give_a_draft_or_a_clear_error(lines):
    survives("\n".join(lines))
