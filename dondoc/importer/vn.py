"""Vietnamese text helpers for the importer (pure, standard library only).

- `clean` tidies a paragraph for display (NFC, footnote markers, markdown stars, spaces).
- `fold` lowers and strips diacritics *one character for one character*, so a
  regex run on the folded copy gives offsets that slice the original text.
- `name_key` is the key agency names are compared on: old/new tone placement
  ("Uỷ"/"Ủy", "hoá"/"hóa"), dashes, "&", case and the usual abbreviations
  ("UBND", "TB&XH", "LĐ", "MTTQ", "HĐND"...) all read alike; diacritics are kept.
"""
from __future__ import annotations

import re
import unicodedata

_TONES = "\u0300\u0301\u0303\u0309\u0323"
# Old-style tone placement on a syllable-final "oa", "oe", "uy": move the tone to the first vowel.
_OLD_TONE = re.compile(rf"([oOuU])([aAeEyY])([{_TONES}])(?![^\W\d_])")
_FOOTNOTE_MARKS = re.compile(r"[\u00b9\u00b2\u00b3\u2070-\u2079]+")
_SPACES = re.compile(r"\s+")

# (pattern on lower-case text, expansion); longest forms first.
ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    (r"lđ\s*-?\s*tb\s*(?:&|và)?\s*xh", "lao động thương binh và xã hội"),
    (r"tb\s*(?:&|và)\s*xh|tbxh", "thương binh và xã hội"),
    (r"lđ", "lao động"),
    (r"gd\s*(?:&|và|-)?\s*đt", "giáo dục và đào tạo"),
    (r"vh\s*(?:&|-)?\s*tt\s*(?:&|và|-)?\s*dl", "văn hóa thể thao và du lịch"),
    (r"vh\s*(?:&|và|-)\s*tt|vhtt", "văn hóa và thể thao"),
    (r"tt\s*(?:&|và|-)\s*tt|tttt", "thông tin và truyền thông"),
    (r"gtvt", "giao thông vận tải"),
    (r"kh\s*(?:&|và|-)\s*đt|khđt", "kế hoạch và đầu tư"),
    (r"tn\s*(?:&|và|-)\s*mt|tnmt", "tài nguyên và môi trường"),
    (r"nn\s*(?:&|và|-)\s*ptnt|nnptnt", "nông nghiệp và phát triển nông thôn"),
    (r"ubmttqvn", "ủy ban mặt trận tổ quốc việt nam"),
    (r"ubmttq", "ủy ban mặt trận tổ quốc"),
    (r"mttqvn", "mặt trận tổ quốc việt nam"),
    (r"mttq", "mặt trận tổ quốc"),
    (r"ubnd", "ủy ban nhân dân"),
    (r"hđnd", "hội đồng nhân dân"),
    (r"tncs\s*hcm", "thanh niên cộng sản hồ chí minh"),
    (r"tncs", "thanh niên cộng sản"),
    (r"hcm", "hồ chí minh"),
    (r"lhpn", "liên hiệp phụ nữ"),
    (r"ccb", "cựu chiến binh"),
    (r"vksnd", "viện kiểm sát nhân dân"),
    (r"vks", "viện kiểm sát"),
    (r"tand", "tòa án nhân dân"),
    (r"ctxh", "công tác xã hội"),
    (r"bhxh", "bảo hiểm xã hội"),
)
_ABBREV = [(re.compile(rf"(?<!\w)(?:{p})(?!\w)"), e) for p, e in ABBREVIATIONS]
_PARENS = re.compile(r"\([^()]*\)")
_NOT_WORD = re.compile(r"[^\w]+")


def canonical_tones(text: str) -> str:
    """'Uỷ ban' -> 'Ủy ban', 'hoá' -> 'hóa': one spelling for both tone placements."""
    return unicodedata.normalize("NFC", _OLD_TONE.sub(r"\1\3\2", unicodedata.normalize("NFD", text)))


def clean(text: str) -> str:
    """NFC, no footnote markers or markdown stars, single spaces."""
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ")
    text = _FOOTNOTE_MARKS.sub("", text).replace("*", "")
    return _SPACES.sub(" ", text).strip()


def _fold_char(c: str) -> str:
    if c in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", c)[0].lower()
    return base if len(base) == 1 else c


class _FoldTable(dict[int, str]):
    """str.translate table filled on first sight of each character (fold is on every hot path)."""

    def __missing__(self, code: int) -> str:
        self[code] = _fold_char(chr(code))
        return self[code]


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Lower case without diacritics, same length as the NFC input (offsets carry over)."""
    return unicodedata.normalize("NFC", text).translate(_FOLD)


def name_key(text: str) -> str:
    """The comparison key of an agency name (diacritics kept)."""
    text = canonical_tones(clean(text)).lower()
    text = _PARENS.sub(" ", text)
    for pattern, expansion in _ABBREV:
        text = pattern.sub(expansion, text)
    text = text.replace("&", " và ")
    return _SPACES.sub(" ", _NOT_WORD.sub(" ", text)).strip()


def folded_key(text: str) -> str:
    """`name_key` without diacritics: the fuzzy fallback."""
    return fold(name_key(text))


def slug(text: str) -> str:
    """ASCII id: 'Sở Y tế' -> 'so-y-te'."""
    return re.sub(r"[^a-z0-9]+", "-", fold(name_key(text))).strip("-")[:80] or "co-quan"


def strip_end(text: str) -> str:
    """Drop trailing punctuation and spaces ("Tháng 11/2023." keeps its text, loses the stop)."""
    return text.rstrip(" .;:,)").strip()
