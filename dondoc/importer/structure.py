"""Numbered lines -> paragraphs -> a tree of numbered items (pure).

Numbering understood: "I." (Roman, level 0), "1." / "1.1." / "2.3.1." (decimal,
level = number of parts), "a)" / "đ)" (letters: under the nearest numbered
item), "-" / "+" / "•" bullets (under the nearest item of any kind).
Unnumbered paragraphs go to the body of the deepest open item. Footnotes
("¹ Luật ...") are dropped; a paragraph that starts in lower case after one
that does not end a sentence continues it (page breaks in the real plans).
Everything from "Nơi nhận:" on (recipients, signature) is left out of the tree.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from dondoc.importer.fields import is_label
from dondoc.importer.lines import Line, Para
from dondoc.importer.vn import clean, fold

_ROMAN = re.compile(r"^(?P<label>[IVX]{1,5})\s*[.)]\s*(?P<rest>\S.*)$")
_DECIMAL = re.compile(r"^(?P<label>\d{1,2}(?:\.\d{1,2})+)\.?\s+(?P<rest>\S.*)$|^(?P<one>\d{1,2})[.)]\s+(?P<rest1>\S.*)$")
_LETTER = re.compile(r"^(?P<label>[a-zđ])[).]\s+(?P<rest>\S.*)$")
_BULLET = re.compile(r"^[-–—•+*]\s*(?P<rest>\S.*)$")
_FOOTNOTE = re.compile(r"^[\u00b9\u00b2\u00b3\u2070-\u2079]+\s*\S")
_SENTENCE_END = (".", ";", ":", "!", "?", "…")


@dataclass
class Node:
    """One numbered item; mutable only while the tree is built."""

    kind: str                       # root | roman | decimal | letter | bullet
    label: str                      # "II", "2.3.1", "a", "" for bullets
    title: str                      # the text after the label
    line: int
    body: list[Para] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    parent: Node | None = field(default=None, repr=False)

    @property
    def depth(self) -> int:
        return {"root": -1, "roman": 0}.get(self.kind, len(self.label.split(".")) if self.kind == "decimal" else 99)

    def ancestors(self) -> list[Node]:
        out, node = [], self.parent
        while node is not None:
            out.append(node)
            node = node.parent
        return out


def _continues(previous: str, text: str) -> bool:
    first = text[:1]
    return first.islower() and not previous.rstrip().endswith(_SENTENCE_END) and not _LETTER.match(text)


_JOINERS = ("va", "cac", "hoi lien hiep", "lien hiep", "cung", "voi", "cua")


def _ends_heading(previous: list[str], text: str) -> bool:
    """'3. Đề nghị Ủy ban MTTQ ..., Hội Liên hiệp' + 'Phụ nữ Thành phố và ...': a heading cut in two."""
    head = previous[0]
    return (len(previous) == 1 and classify(head) is not None and not head.endswith(_SENTENCE_END)
            and fold(head).endswith(_JOINERS) and classify(text) is None and not is_label(text)
            and len(text.split()) <= 14 and not text.endswith(_SENTENCE_END))


def paragraphs(lines: tuple[Line, ...]) -> list[Para]:
    """Non-empty lines as paragraphs; page-break continuations joined; footnotes dropped.
    Pieces are joined once per paragraph, so a run of continuations stays linear."""
    starts: list[int] = []
    pieces: list[list[str]] = []
    for line in lines:
        raw = line.text.strip()
        if not raw or _FOOTNOTE.match(raw):
            continue
        text = clean(raw)
        if pieces and (_continues(pieces[-1][-1], text) or _ends_heading(pieces[-1], text)):
            pieces[-1].append(text)
        elif text:
            starts.append(line.no)
            pieces.append([text])
    return [Para(no, " ".join(parts)) for no, parts in zip(starts, pieces, strict=True)]


def classify(text: str) -> tuple[str, str, str] | None:
    """(kind, label, rest) for a numbered paragraph, None for plain text."""
    if m := _ROMAN.match(text):
        return "roman", m["label"], m["rest"]
    if m := _DECIMAL.match(text):
        return ("decimal", m["label"], m["rest"]) if m["label"] else ("decimal", m["one"], m["rest1"])
    if m := _LETTER.match(text):
        return "letter", m["label"], m["rest"]
    if m := _BULLET.match(text):
        return "bullet", "", m["rest"]
    return None


def is_closing(text: str) -> bool:
    """'Nơi nhận:' starts the recipients/signature block."""
    return fold(text).startswith("noi nhan")


def _open_parent(stack: list[Node], kind: str, depth: int) -> Node:
    """Pop the stack to the node a new item of this kind hangs under."""
    def fits(node: Node) -> bool:
        if kind == "roman":
            return node.kind == "root"
        if kind == "decimal":
            return node.kind in ("root", "roman") or (node.kind == "decimal" and node.depth < depth)
        if kind == "letter":
            return node.kind in ("root", "roman", "decimal")
        return node.kind != "bullet"
    while not fits(stack[-1]):
        stack.pop()
    return stack[-1]


def is_plan_word(text: str) -> bool:
    return fold(text).replace(" ", "") == "kehoach"


def build_tree(paras: list[Para]) -> tuple[Node, list[Para]]:
    """The item tree, and the paragraphs before the first numbered item (the header).
    After "Nơi nhận:" nothing is read, unless a "KẾ HOẠCH" title follows: a decision wrapping its plan, whose
    own signature block comes first; the plan's items then start again from the top."""
    root, header = Node("root", "", "", 0), []
    stack, closed = [root], False
    for para in paras:
        if closed:
            if is_plan_word(para.text):
                closed, stack = False, [root]
                header.append(para)
            continue
        if is_closing(para.text):
            closed = True
            continue
        found = classify(para.text)
        if found is None or (found[0] == "bullet" and stack[-1] is root):
            (header if stack[-1] is root else stack[-1].body).append(para)
            continue
        kind, label, rest = found
        if kind in ("bullet", "letter") and is_label(rest) and stack[-1] is not root:
            stack[-1].body.append(Para(para.line, rest))     # "- Cơ quan chủ trì: ...", "b) Cơ quan thực hiện:"
            continue
        node = Node(kind, label, rest, para.line)
        parent = _open_parent(stack, kind, node.depth)
        node.parent = parent
        parent.children.append(node)
        stack.append(node)
    return root, header


def walk(node: Node) -> list[Node]:
    """The node and all its descendants, in document order."""
    out = [node]
    for child in node.children:
        out.extend(walk(child))
    return out
