"""`implementing_plans:` is checked with the rest of the config: each bad
entry refused with its file:line, nothing guessed (no database here: the
database's part of the trees is a KnownTree)."""
from __future__ import annotations

import pytest

from dondoc.config.implementing import KnownTree
from dondoc.config.reader import ConfigError, read_config
from tests.store.implementing_data import PROVINCE, commune_plan, write

ASK = '{by: ["children of ubnd-tinh-binh-an"], level: commune, due: "trước ngày 31/12/2025"}'


def problems(folder, known: KnownTree | None = None) -> list[str]:
    with pytest.raises(ConfigError) as err:
        read_config([folder], known_tree=known)
    return [str(p) for p in err.value.problems]


def line_of(text: str, needle: str) -> int:
    return next(i for i, row in enumerate(text.splitlines(), start=1) if needle in row)


@pytest.mark.parametrize("entry, message", [
    ("{by: [ubnd-xa-khong-co], due: 2025-12-31}", "mã cơ quan 'ubnd-xa-khong-co' không tồn tại / unknown agency id"),
    ('{by: ["children of cong-chuc-an-hoa"], due: 2025-12-31}', "không có cơ quan cấp dưới nào"),
    ('{by: ["children of ubnd-tinh-binh-an"], level: village, due: 2025-12-31}', "(cấp village)"),
    ('{by: [ubnd-xa-an-hoa], due: "Thường xuyên trong năm"}', "phải là một ngày"),
    ('{by: [ubnd-xa-an-hoa], due: "khi nào xong"}', "không đọc được"),
    ('[{by: ["children of ubnd-tinh-binh-an"], due: 2025-12-31}, {by: [ubnd-xa-an-hoa], due: 2026-01-31}]',
     "'ubnd-xa-an-hoa' được giao hai lần / agency listed twice"),
    ("{by: [ubnd-xa-an-hoa], due: null}", "implementing_plans.0.due: thiếu hạn ban hành kế hoạch / the due date"),
    ("{by: [ubnd-xa-an-hoa], due: 12}", "cần là ngày hoặc cụm từ thời hạn"),
    ("{by: [], due: 2025-12-31}", "implementing_plans.0.by: cần ít nhất một cơ quan / at least one agency is needed"),
    ('{by: ["sons of ubnd-tinh-binh-an"], due: 2025-12-31}', "'children of <agency id>'"),
])
def test_a_bad_entry_is_refused_with_its_file_and_line(tmp_path, entry, message):
    plan = PROVINCE.replace(ASK, entry)
    found = problems(write(tmp_path, plan=plan))
    assert len(found) == 1 and message in found[0], found
    assert f"plan.yaml:{line_of(plan, 'implementing_plans')}:" in found[0]


def test_a_correct_config_reads_and_children_are_looked_up_in_the_database_too(tmp_path):
    plan = PROVINCE.replace(ASK, '{by: ["children of ubnd-huyen-cu"], due: "Quý I/2026"}')
    folder = tmp_path / "cfg"
    folder.mkdir()
    (folder / "plan.yaml").write_text(plan, encoding="utf-8")
    known = KnownTree(agencies={"ubnd-tinh-binh-an": (None, "province", True),
                                "so-ldtbxh-binh-an": ("ubnd-tinh-binh-an", "department", True),
                                "ubnd-huyen-cu": ("ubnd-tinh-binh-an", "district", True),
                                "ubnd-xa-cu": ("ubnd-huyen-cu", "commune", True)})
    config = read_config([folder], known_agencies=frozenset(known.agencies), known_policies=frozenset({"default"}),
                         known_tree=known)
    assert "tinh-2025" in config.plans


def test_a_cycle_in_implements_among_the_files_is_refused(tmp_path):
    a = commune_plan("ubnd-xa-an-hoa", plan_id="plan-a", implements="plan-b")
    b = commune_plan("ubnd-xa-my-loc", plan_id="plan-b", implements="plan-a")
    found = problems(write(tmp_path, a=a, b=b))
    assert len(found) == 2 and all("vòng lặp kế hoạch thực hiện" in p for p in found)
    assert f"a.yaml:{line_of(a, 'implements')}: plans.implements:" in found[0]


def test_a_cycle_through_a_plan_already_in_the_database_is_refused(tmp_path):
    a = commune_plan("ubnd-xa-an-hoa", plan_id="plan-a", implements="plan-c")
    known = KnownTree(implements={"plan-c": "plan-b", "plan-b": "plan-a"})
    [found] = problems(write(tmp_path, a=a), known)
    assert "plan-a -> plan-c -> plan-b -> plan-a" in found


def test_a_plan_cannot_implement_itself(tmp_path):
    a = commune_plan("ubnd-xa-an-hoa", plan_id="plan-a", implements="plan-a")
    [found] = problems(write(tmp_path, a=a))
    assert "plan-a -> plan-a" in found
