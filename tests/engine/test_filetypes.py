"""Evidence files are recognised by their bytes, never by their name."""
from __future__ import annotations

import io
import zipfile

from dondoc.engine import filetypes as ft

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def ooxml(main_part: str, content_type: str, with_types: bool = True) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        if with_types:
            z.writestr("[Content_Types].xml", f'<Types><Override PartName="/{main_part}" ContentType="{content_type}"/></Types>')
        z.writestr(main_part, "<x/>")
    return buf.getvalue()


DOCX = ooxml("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")
XLSX = ooxml("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")


def test_pdf_png_and_jpeg_are_known_by_their_first_bytes():
    assert ft.sniff(b"%PDF-1.7\n...") == ft.PDF
    assert ft.sniff(b"\x89PNG\r\n\x1a\n....") == ft.PNG
    assert ft.sniff(b"\xff\xd8\xff\xe0....") == ft.JPEG


def test_word_and_excel_files_are_zips_whose_content_types_name_their_main_part():
    assert ft.sniff(DOCX) == ft.DOCX and ft.sniff(XLSX) == ft.XLSX


def test_old_word_and_excel_files_are_ole_compound_files():
    assert ft.sniff(OLE) == ft.OLE


def test_a_zip_without_content_types_or_with_the_wrong_main_part_is_not_an_office_file():
    assert ft.sniff(ooxml("word/document.xml", "x", with_types=False)) is None
    assert ft.sniff(ooxml("word/document.xml", "application/vnd.ms-excel.sheet.main+xml")) is None
    assert ft.sniff(b"PK\x03\x04 truncated") is None


def test_text_html_gif_and_empty_files_are_refused():
    for data in (b"", b"hello", b"<html><script>", b"GIF89a....", b"MZ\x90\x00"):
        assert ft.sniff(data) is None
