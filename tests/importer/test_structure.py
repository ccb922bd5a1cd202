"""Lines -> paragraphs -> numbered items; assignment fields in paragraphs."""
from dondoc.importer.fields import (
    field_paragraph,
    indicators,
    subject_lead,
    support_in_text,
    timeframe_in_text,
)
from dondoc.importer.structure import Para, build_tree, paragraphs, walk
from dondoc.importer.text import from_text

PLAN = """Số: 12/KH-UBND

KẾ HOẠCH

I. MỤC ĐÍCH

II. NỘI DUNG

1. Truyền thông

1.1. Tổ chức Tháng hành động¹.

¹ Luật trẻ em năm 2016.

- Treo băng rôn

2.3.1. Đánh số sâu

a) Việc thứ nhất, câu bị ngắt trang ở

giữa dòng.

III. TỔ CHỨC THỰC HIỆN

Nơi nhận:
- Lưu: VT.
"""


def outline(text):
    root, header = build_tree(paragraphs(from_text(text, "p.txt").lines))
    return [(n.kind, n.label, n.title, n.line) for n in walk(root)[1:]], root, header


def test_it_builds_the_numbering_hierarchy():
    items, root, header = outline(PLAN)
    assert [(k, label) for k, label, _, _ in items] == [
        ("roman", "I"), ("roman", "II"), ("decimal", "1"), ("decimal", "1.1"), ("bullet", ""),
        ("decimal", "2.3.1"), ("letter", "a"), ("roman", "III")]
    bullet = walk(root)[5]
    assert bullet.parent.label == "1.1"
    assert [p.text for p in header] == ["Số: 12/KH-UBND", "KẾ HOẠCH"]


def test_footnotes_and_their_markers_are_dropped():
    items, root, _ = outline(PLAN)
    assert items[3][2] == "Tổ chức Tháng hành động."
    assert all("Luật trẻ em" not in p.text for n in walk(root) for p in n.body)


def test_a_sentence_split_by_a_page_break_is_joined():
    items, _, _ = outline(PLAN)
    assert ("letter", "a", "Việc thứ nhất, câu bị ngắt trang ở giữa dòng.", 19) in items


def test_recipients_and_signature_are_left_out():
    _, root, _ = outline(PLAN)
    assert all("Lưu" not in n.title for n in walk(root))


def test_labelled_assignment_lines_are_read():
    assert [(f.kind, f.text) for f in field_paragraph(Para(3, "Chủ trì: Công chức văn hóa"))] == [("lead", "Công chức văn hóa")]
    assert field_paragraph(Para(3, "Phối hợp với các ban, ngành."))[0].kind == "support"
    assert field_paragraph(Para(3, "THỜI GIAN HOÀN THÀNH: Quý II/2023"))[0].text == "Quý II/2023"


def test_the_inline_form_gives_lead_and_support():
    fields = field_paragraph(Para(9, "Trạm y tế chủ trì phối hợp với các ban, ngành, gia đình."))
    assert [(f.kind, f.text, f.how) for f in fields] == [("lead", "Trạm y tế", "inline"),
                                                         ("support", "các ban, ngành, gia đình.", "inline")]


def test_a_lead_without_the_word_chu_tri_is_marked_so():
    fields = field_paragraph(Para(9, "Công chức văn hóa phối hợp với các ban, ngành."))
    assert (fields[0].text, fields[0].how) == ("Công chức văn hóa", "no-lead-word")


def test_ordinary_text_is_not_a_field():
    assert field_paragraph(Para(1, "Tổ chức truyền thông, giáo dục, tập huấn đến các cấp ủy, chính quyền.")) == []


def test_indicators_are_listed_with_ranges():
    assert indicators("các chỉ tiêu 1,2,14, 15 và 20-22 của Chương trình") == (1, 2, 14, 15, 20, 21, 22)
    assert indicators("thu thập chỉ tiêu thống kê") == ()


def test_coordinating_agencies_in_a_duty_end_at_the_verb():
    text = ("Chủ trì, phối hợp với Sở Lao động - Thương binh và Xã hội và các Sở, ngành liên quan triển khai công tác; "
            "phối hợp với các huyện, thành, thị tổ chức Diễn đàn")
    assert support_in_text(text) == ["Sở Lao động - Thương binh và Xã hội và các Sở, ngành liên quan", "các huyện, thành, thị"]


def test_a_duty_can_name_its_own_lead():
    assert subject_lead("Đề nghị Đoàn TNCS Hồ Chí Minh tỉnh chủ trì và phát triển mô hình") == "Đoàn TNCS Hồ Chí Minh tỉnh"
    assert subject_lead("Chủ trì, tham mưu, hướng dẫn") is None


def test_a_timeframe_written_in_a_duty_is_found():
    assert timeframe_in_text("tai nạn. Định kỳ 6 tháng, 1 năm gửi báo cáo về Sở") == "Định kỳ 6 tháng, 1 năm"
    assert timeframe_in_text("báo cáo định kỳ, đột xuất theo yêu cầu") is None


def test_vague_and_conditional_timeframes_get_no_schedule_and_a_flag_on_their_line():
    from dondoc.importer import draft_plan

    text = "\n".join(["Số: 5/KH-UBND", "Thanh Lĩnh, ngày 20 tháng 3 năm 2024", "KẾ HOẠCH", "Thử",
                      "II. NHIỆM VỤ", "1. Rà soát quy chế", "Chủ trì: Sở Y tế",
                      "Thời gian thực hiện: Sau khi Nghị định thay thế được ban hành",
                      "2. Diễn tập", "Chủ trì: Sở Y tế", "Thời gian thực hiện: Theo kế hoạch công tác hằng năm",
                      "3. Báo cáo", "Chủ trì: Sở Y tế", "Thời gian thực hiện: Tháng 6/2024"])
    tasks = {t.number: t for t in draft_plan(from_text(text, "x.txt"), agencies=[{"id": "so-y-te", "name": "Sở Y tế"}]).tasks}
    for number, line in (("1", 8), ("2", 11)):
        assert tasks[number].schedule is None
        assert any(r.field == "timeframe" and r.line == f"x.txt:{line}" and "không cho ngày" in r.reason
                   for r in tasks[number].review)
    assert tasks["3"].schedule == "Lịch: hạn 30/06/2024"
