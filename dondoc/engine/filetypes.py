"""What an uploaded file is, read from its bytes (pure): the name and the
browser's Content-Type are never trusted. Accepted: PDF, Word and Excel
(.docx/.xlsx as OOXML zips with the right [Content_Types].xml part, .doc/.xls
as OLE compound files), PNG and JPEG."""
from __future__ import annotations

import io
import zipfile

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OLE = "application/x-ole-storage"  # .doc / .xls (Word 97-2003, Excel 97-2003)
PNG = "image/png"
JPEG = "image/jpeg"
ACCEPTED_VI = "PDF, Word (.doc, .docx), Excel (.xls, .xlsx), ảnh PNG hoặc JPEG"
_OOXML = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX}
_OOXML_MAIN = {DOCX: "wordprocessingml.document.main+xml", XLSX: "spreadsheetml.sheet.main+xml"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(data: bytes) -> str | None:
    """The media type of `data`, or None when it is none of the accepted kinds."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(_OLE_MAGIC):
        return OLE
    if data.startswith(b"PK\x03\x04"):
        return _ooxml(data)
    return None


def _ooxml(data: bytes) -> str | None:
    """A .docx/.xlsx: its [Content_Types].xml declares the main part of its kind."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            if "[Content_Types].xml" not in names:
                return None
            types = z.read("[Content_Types].xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, RuntimeError):
        return None
    for part, kind in _OOXML.items():
        if part in names and _OOXML_MAIN[kind] in types:
            return kind
    return None


def extension_for(media_type: str) -> str:
    return {PDF: ".pdf", DOCX: ".docx", XLSX: ".xlsx", OLE: ".doc", PNG: ".png", JPEG: ".jpg"}.get(media_type, "")
