"""A small PDF writer for tests: paragraphs wrapped to the page and ruled
tables, in an embedded TrueType font (DejaVu Sans, which has every Vietnamese
letter) with a ToUnicode map, so the text layer is what a word processor's
"Export as PDF" gives. Written by hand to add no dependency; no JavaScript,
no compression tricks, one font."""
from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
PAGE_W, PAGE_H, MARGIN = 595.0, 842.0, 56.0
SIZE, LEADING, PAD, SPACING = 10.0, 13.0, 3.0, 4.0     # SPACING: Word's "spacing after" a paragraph


class TrueType:
    """What a PDF needs of a .ttf: glyph ids of characters and their advance widths."""

    def __init__(self, path: Path = FONT) -> None:
        self.data = path.read_bytes()
        count = struct.unpack(">H", self.data[4:6])[0]
        self.tables = {self.data[12 + 16 * i:16 + 16 * i].decode("latin-1"):
                       struct.unpack(">II", self.data[20 + 16 * i:28 + 16 * i]) for i in range(count)}
        self.em = struct.unpack(">H", self._at("head", 18, 2))[0]
        self.gids = self._cmap()
        metrics = struct.unpack(">H", self._at("hhea", 34, 2))[0]
        hmtx = self.tables["hmtx"][0]
        widths = [struct.unpack(">H", self.data[hmtx + 4 * i:hmtx + 4 * i + 2])[0] for i in range(metrics)]
        self.widths = widths

    def _at(self, table: str, offset: int, size: int) -> bytes:
        start = self.tables[table][0] + offset
        return self.data[start:start + size]

    def _cmap(self) -> dict[int, int]:
        base = self.tables["cmap"][0]
        n = struct.unpack(">H", self.data[base + 2:base + 4])[0]
        for i in range(n):
            platform, encoding, offset = struct.unpack(">HHI", self.data[base + 4 + 8 * i:base + 12 + 8 * i])
            if (platform, encoding) == (3, 1):
                return self._format4(base + offset)
        raise ValueError("no Unicode BMP cmap")

    def _format4(self, at: int) -> dict[int, int]:
        d = self.data
        segs = struct.unpack(">H", d[at + 6:at + 8])[0] // 2
        ends = struct.unpack(f">{segs}H", d[at + 14:at + 14 + 2 * segs])
        starts_at = at + 16 + 2 * segs
        starts = struct.unpack(f">{segs}H", d[starts_at:starts_at + 2 * segs])
        deltas = struct.unpack(f">{segs}h", d[starts_at + 2 * segs:starts_at + 4 * segs])
        ranges_at = starts_at + 4 * segs
        ranges = struct.unpack(f">{segs}H", d[ranges_at:ranges_at + 2 * segs])
        out: dict[int, int] = {}
        for k in range(segs):
            for code in range(starts[k], ends[k] + 1):
                if code == 0xFFFF:
                    continue
                if ranges[k] == 0:
                    gid = (code + deltas[k]) & 0xFFFF
                else:
                    where = ranges_at + 2 * k + ranges[k] + 2 * (code - starts[k])
                    gid = struct.unpack(">H", d[where:where + 2])[0]
                    gid = (gid + deltas[k]) & 0xFFFF if gid else 0
                if gid:
                    out[code] = gid
        return out

    def width(self, text: str, size: float = SIZE) -> float:
        return sum(self.advance(self.gids.get(ord(c), 0)) for c in text) * size / self.em

    def advance(self, gid: int) -> int:
        return self.widths[min(gid, len(self.widths) - 1)]


@dataclass
class _Page:
    ops: list[str] = field(default_factory=list)


class PdfWriter:
    """`paragraph(text)` and `table(rows, widths)` flow down A4 pages; `bytes()` is the file."""

    def __init__(self, font: TrueType | None = None) -> None:
        self.font = font or TrueType()
        self.pages: list[_Page] = [_Page()]
        self.y = PAGE_H - MARGIN
        self.used: dict[int, str] = {}

    def _room(self, height: float) -> None:
        if self.y - height < MARGIN:
            self.pages.append(_Page())
            self.y = PAGE_H - MARGIN

    def _text(self, x: float, y: float, text: str) -> None:
        glyphs = []
        for char in text:
            gid = self.font.gids.get(ord(char), 0)
            self.used.setdefault(gid, char)
            glyphs.append(f"{gid:04X}")
        self.pages[-1].ops.append(f"BT /F1 {SIZE:g} Tf {x:.2f} {y:.2f} Td <{''.join(glyphs)}> Tj ET")

    def wrap(self, text: str, width: float) -> list[str]:
        lines, current = [], ""
        for word in text.split():
            candidate = f"{current} {word}".strip()
            if current and self.font.width(candidate) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        return lines + ([current] if current else [])

    def paragraph(self, text: str, *, x: float = MARGIN, width: float = PAGE_W - 2 * MARGIN) -> None:
        for line in self.wrap(text, width) or [""]:
            self._room(LEADING)
            self.y -= LEADING
            self._text(x, self.y, line)
        self.y -= SPACING

    def columns(self, left: list[str], right: list[str]) -> None:
        """A two-column block, as a letterhead prints: each column its own lines, side by side."""
        half = (PAGE_W - 2 * MARGIN) / 2
        for i in range(max(len(left), len(right))):
            self._room(LEADING)
            self.y -= LEADING
            for x, column in ((MARGIN, left), (MARGIN + half + 20, right)):
                if i < len(column):
                    self._text(x, self.y, column[i])

    def table(self, rows: list[list[str]], widths_of_table: list[float]) -> None:
        """Ruled cells; a row with fewer cells than columns has its last cell merged across the rest."""
        for row in rows:
            widths = _spanned(widths_of_table, len(row))
            cells = [self.wrap(text, w - 2 * PAD) or [""] for text, w in zip(row, widths, strict=False)]
            height = max(len(c) for c in cells) * LEADING + 2 * PAD
            self._room(height)
            top, x = self.y, MARGIN
            for lines, w in zip(cells, widths, strict=False):
                self.pages[-1].ops.append(f"{x:.2f} {top - height:.2f} {w:.2f} {height:.2f} re S")
                for k, line in enumerate(lines):
                    self._text(x + PAD, top - PAD - (k + 1) * LEADING + 3, line)
                x += w
            self.y = top - height

    def bytes(self) -> bytes:
        objects: list[bytes] = []

        def add(body: bytes) -> int:
            objects.append(body)
            return len(objects)

        def stream(data: bytes, extra: str = "") -> bytes:
            packed = zlib.compress(data)
            return (f"<< /Length {len(packed)} /Filter /FlateDecode {extra}>>\nstream\n".encode()
                    + packed + b"\nendstream")

        font_file = add(stream(self.font.data, f"/Length1 {len(self.font.data)} "))
        descriptor = add(f"<< /Type /FontDescriptor /FontName /DejaVuSans /Flags 32 /FontBBox [-1021 -463 1793 1232] "
                         f"/ItalicAngle 0 /Ascent 928 /Descent -236 /CapHeight 729 /StemV 80 /FontFile2 {font_file} 0 R >>"
                         .encode())
        scale = 1000 / self.font.em
        widths = " ".join(f"{gid} [{self.font.advance(gid) * scale:.0f}]" for gid in sorted(self.used))
        cid = add(f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /DejaVuSans /CIDSystemInfo << /Registry (Adobe) "
                  f"/Ordering (Identity) /Supplement 0 >> /FontDescriptor {descriptor} 0 R /W [{widths}] "
                  f"/CIDToGIDMap /Identity >>".encode())
        to_unicode = add(stream(self._cmap().encode()))
        font = add(f"<< /Type /Font /Subtype /Type0 /BaseFont /DejaVuSans /Encoding /Identity-H "
                   f"/DescendantFonts [{cid} 0 R] /ToUnicode {to_unicode} 0 R >>".encode())
        pages_id = len(objects) + 1 + 2 * len(self.pages)
        kids = []
        for page in self.pages:
            content = add(stream("\n".join(["0.5 w"] + page.ops).encode()))
            kids.append(add(f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 {PAGE_W:g} {PAGE_H:g}] "
                            f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>".encode()))
        add(f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode())
        catalog = add(f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode())
        return _assemble(objects, catalog)

    def _cmap(self) -> str:
        pairs = [f"<{gid:04X}> <{''.join(f'{u:04X}' for u in _utf16(char))}>" for gid, char in sorted(self.used.items())]
        chunks = [pairs[i:i + 100] for i in range(0, len(pairs), 100)]
        body = "\n".join(f"{len(c)} beginbfchar\n" + "\n".join(c) + "\nendbfchar" for c in chunks)
        return ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry (Adobe) "
                "/Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
                "1 begincodespacerange <0000> <FFFF> endcodespacerange\n" + body +
                "\nendcmap CMapName currentdict /CMap defineresource pop end end")


def _spanned(widths: list[float], cells: int) -> list[float]:
    return widths[:cells - 1] + [sum(widths[cells - 1:])] if 0 < cells < len(widths) else widths


def _utf16(char: str) -> list[int]:
    data = char.encode("utf-16-be")
    return [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)]


def _assemble(objects: list[bytes], root: int) -> bytes:
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
