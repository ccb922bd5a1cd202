"""A .docx plan (paragraphs, a task table, Word's own numbering) reads like its text form."""
from __future__ import annotations

from pathlib import Path

import docx
import pytest

from dondoc.importer import draft_plan, from_text, import_plan, to_dict
from dondoc.importer.wordfile import docx_lines

HEADER = [
    "Số: 15/KH-UBND",
    "Thanh Lĩnh, ngày 20 tháng 3 năm 2024",
    "KẾ HOẠCH",
    "Phòng, chống đuối nước trẻ em năm 2024",
    "Thực hiện Kế hoạch số 7/KH-UBND ngày 01/3/2024 của UBND huyện Thanh Chương, "
    "Ủy ban nhân dân xã Thanh Lĩnh ban hành Kế hoạch như sau:",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "Nâng cao nhận thức của gia đình và cộng đồng.",
    "II. NHIỆM VỤ VÀ GIẢI PHÁP",
    "1. Rà soát, lập danh sách trẻ em chưa biết bơi",
    "Chủ trì: Công chức chính sách",
    "Thời gian thực hiện: Tháng 4/2024",
]
TABLE = [
    ["STT", "Nội dung công việc", "Cơ quan chủ trì", "Cơ quan, đơn vị phối hợp", "Thời gian hoàn thành"],
    ["2", "Tuyên truyền phòng, chống đuối nước trên loa truyền thanh", "Công chức văn hóa",
     "Các ban, ngành; Uỷ ban MTTQ xã", "Tháng 5/2024"],
    ["3", "Tổ chức lớp dạy bơi an toàn\nƯu tiên trẻ em vùng ven sông", "Công chức văn hóa", "", "Tháng 6-7/2024"],
]
FOOTER = [
    "III. TỔ CHỨC THỰC HIỆN",
    "1. Chế độ báo cáo",
    "Định kỳ 6 tháng (ngày 10 tháng 6), báo cáo năm (ngày 15 tháng 11) về Công chức chính sách để tổng hợp.",
    "Nơi nhận:",
    "- Lưu VT.",
]
TEXT_FORM = "\n\n".join(HEADER + [
    "2. Tuyên truyền phòng, chống đuối nước trên loa truyền thanh",
    "Chủ trì: Công chức văn hóa",
    "Phối hợp: Các ban, ngành; Uỷ ban MTTQ xã",
    "Thời gian thực hiện: Tháng 5/2024",
    "3. Tổ chức lớp dạy bơi an toàn",
    "Ưu tiên trẻ em vùng ven sông",
    "Chủ trì: Công chức văn hóa",
    "Thời gian thực hiện: Tháng 6-7/2024",
] + FOOTER)


def _docx(path: Path) -> Path:
    document = docx.Document()
    for line in HEADER:
        document.add_paragraph(line)
    table = document.add_table(rows=len(TABLE), cols=len(TABLE[0]))
    for r, row in enumerate(TABLE):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    for line in FOOTER:
        document.add_paragraph(line)
    document.save(path)
    return path


def comparable(data):
    """The draft without what must differ between the two files: source lines."""
    if isinstance(data, dict):
        return {k: None if k in ("source", "line") else comparable(v) for k, v in data.items()}
    if isinstance(data, list):
        return [comparable(v) for v in data]
    return data


def test_a_docx_with_a_task_table_imports_to_the_same_draft_as_its_text_form(tmp_path, fixture_agencies):
    from_docx = import_plan(_docx(tmp_path / "plan.docx"), agencies=fixture_agencies)
    from_txt = draft_plan(from_text(TEXT_FORM, "plan.txt"), agencies=fixture_agencies)
    assert [t.number for t in from_docx.tasks] == ["1", "2", "3"]
    assert comparable(to_dict(from_docx)) == comparable(to_dict(from_txt))
    second = from_docx.tasks[1]
    assert (second.lead, second.support, second.timeframe) == ("cc-van-hoa", ("ban-nganh", "mttq-xa"), "Tháng 5/2024")
    assert [r.due for r in from_docx.plan.reporting] == ["10/06", "15/11"]


def test_a_table_row_is_located_by_its_paragraph_or_row_number(tmp_path, fixture_agencies):
    result = import_plan(_docx(tmp_path / "plan.docx"), agencies=fixture_agencies)
    assert [t.source for t in result.tasks] == ["plan.docx:9", "plan.docx:13", "plan.docx:14"]


def test_table_headers_are_matched_loosely(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=2, cols=4)
    for c, value in enumerate(["TT", "Nhiệm vụ", "Đơn vị chủ trì", "Thời hạn"]):
        table.cell(0, c).text = value
    for c, value in enumerate(["a", "Kiểm tra bể bơi", "Công an xã", "Quý III/2024"]):
        table.cell(1, c).text = value
    document.save(tmp_path / "t.docx")
    lines = [line.text for line in docx_lines((tmp_path / "t.docx").read_bytes(), "t.docx")]
    assert lines == ["a) Kiểm tra bể bơi", "Chủ trì: Công an xã", "Thời gian thực hiện: Quý III/2024"]


@pytest.mark.parametrize("style", ["List Number", "List Bullet"])
def test_words_automatic_numbering_is_rendered(tmp_path, style):
    document = docx.Document()
    document.add_paragraph("Tổ chức tuyên truyền", style=style)
    document.add_paragraph("Chủ trì: Công chức văn hóa")
    document.add_paragraph("Kiểm tra các điểm có nguy cơ", style=style)
    document.save(tmp_path / "n.docx")
    lines = [line.text for line in docx_lines((tmp_path / "n.docx").read_bytes(), "n.docx")]
    expected = ["1. Tổ chức tuyên truyền", "Chủ trì: Công chức văn hóa", "2. Kiểm tra các điểm có nguy cơ"]
    if style == "List Bullet":
        expected = ["- Tổ chức tuyên truyền", "Chủ trì: Công chức văn hóa", "- Kiểm tra các điểm có nguy cơ"]
    assert lines == expected
