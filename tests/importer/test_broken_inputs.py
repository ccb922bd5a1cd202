"""Input the importer cannot read fails with a clear Vietnamese / English error, file and line."""
from __future__ import annotations

import codecs
import zipfile

import pytest

from dondoc.importer import PlanImportError, import_plan

PLAN = "Số: 1/KH-UBND\n\nKẾ HOẠCH\n\nII. NỘI DUNG\n\n1. Tuyên truyền\n\nChủ trì: Sở Y tế\n"


def refused(path, agencies=()):
    with pytest.raises(PlanImportError) as caught:
        import_plan(path, agencies=list(agencies))
    return caught.value


def test_an_empty_file_is_refused(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    assert "tệp rỗng" in str(refused(tmp_path / "empty.txt"))
    (tmp_path / "blank.txt").write_text("\n   \n\t\n")
    assert "rỗng" in str(refused(tmp_path / "blank.txt"))


def test_a_text_that_is_not_a_plan_is_refused(tmp_path):
    (tmp_path / "letter.txt").write_text("\n\nKính gửi anh Nam,\n\nHẹn gặp lại tuần sau.\n")
    error = refused(tmp_path / "letter.txt")
    assert (error.file, error.line) == ("letter.txt", 3) and "không phải văn bản kế hoạch" in error.message


def test_a_plan_without_any_task_is_refused(tmp_path):
    (tmp_path / "hollow.txt").write_text("Số: 1/KH-UBND\n\nKẾ HOẠCH\n\nVề việc tuyên truyền\n")
    assert "không tìm thấy nhiệm vụ nào" in str(refused(tmp_path / "hollow.txt"))


def test_a_docx_that_is_a_zip_of_something_else_is_refused(tmp_path):
    with zipfile.ZipFile(tmp_path / "plan.docx", "w") as archive:
        archive.writestr("data.csv", "a,b\n")
    error = refused(tmp_path / "plan.docx")
    assert "không có word/document.xml" in error.message and "data.csv" in error.message


def test_a_docx_that_is_not_a_zip_at_all_is_refused(tmp_path):
    (tmp_path / "plan.docx").write_text(PLAN)
    assert "không phải tệp .docx hợp lệ" in str(refused(tmp_path / "plan.docx"))


def test_a_zip_with_a_broken_word_document_is_refused(tmp_path):
    with zipfile.ZipFile(tmp_path / "plan.docx", "w") as archive:
        archive.writestr("word/document.xml", "<not-xml")
    assert "bị hỏng" in str(refused(tmp_path / "plan.docx"))


def test_non_utf8_text_is_refused_with_the_line_of_the_first_bad_byte(tmp_path):
    (tmp_path / "old.txt").write_bytes("Số: 1/KH-UBND\nKẾ HOẠCH\n".encode() + b"Tuy\xean truy\xean\n")
    error = refused(tmp_path / "old.txt")
    assert error.line == 3 and "không phải văn bản UTF-8" in error.message and "not UTF-8" in error.message


def test_utf16_with_a_byte_order_mark_is_accepted(tmp_path):
    (tmp_path / "u16.txt").write_bytes(codecs.BOM_UTF16_LE + PLAN.encode("utf-16-le"))
    result = import_plan(tmp_path / "u16.txt", agencies=[{"id": "so-yte", "name": "Sở Y tế"}])
    assert [(t.number, t.lead) for t in result.tasks] == [("1", "so-yte")]


def test_a_word_97_file_is_refused_with_what_to_do(tmp_path):
    (tmp_path / "plan.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    assert "(Save As) .docx" in str(refused(tmp_path / "plan.doc"))


def test_a_missing_file_is_refused(tmp_path):
    assert "không tìm thấy tệp" in str(refused(tmp_path / "nowhere.txt"))
