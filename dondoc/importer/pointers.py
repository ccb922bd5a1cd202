"""Duties that point to another section of the plan (pure).

    3. Sở Nông nghiệp và Môi trường: Chủ trì triển khai các nhiệm vụ tại mục (IV) (1) của Kế hoạch.
    17. Chi cục Hải quan: a) Chủ trì triển khai các nhiệm vụ tại mục (IV)(3.4)(a);

The pointed-to section's items (its lettered items, or the section itself when it has none) become tasks led
by the pointing agency, numbered as the document numbers them ("IV.1.1.a"). When two duties point to the same
item, the more specific pointer leads and the other agency coordinates.
"""
from __future__ import annotations

import re

from dondoc.importer.model import Found, Note, Task, make_title
from dondoc.importer.names import NameRef
from dondoc.importer.structure import Node, walk
from dondoc.importer.vn import fold

_REF = re.compile(r"(?:chu tri|trien khai|thuc hien)[^.;]{0,40}?nhiem vu[^.;]{0,40}?\btai\s+(?:cac\s+)?(?:"
                  r"muc\s*\(?\s*(?P<roman>[ivx]{1,5})\s*\)?(?P<parts>(?:\s*\(\s*(?:\d{1,2}(?:\.\d{1,2})*|[a-zđ])\s*\))*)"
                  r"|muc\s+(?P<roman2>[ivx]{1,5})\.(?P<dotted>\d{1,2}(?:\.\d{1,2})*))")
_PART = re.compile(r"\(\s*(\d{1,2}(?:\.\d{1,2})*|[a-zđ])\s*\)")


def references(text: str) -> list[list[str]]:
    """'mục (IV) (4.1) (4.2)' -> [['IV', '4.1'], ['IV', '4.2']]; 'mục (IV)(3.4)(a)' -> [['IV', '3.4', 'a']]."""
    out = []
    for m in _REF.finditer(fold(text)):
        if m["roman2"]:
            out.append([m["roman2"].upper(), m["dotted"]])
            continue
        parts = _PART.findall(m["parts"] or "")
        decimals = [p for p in parts if p[0].isdigit()]
        letters = [p for p in parts if not p[0].isdigit()]
        if len(decimals) > 1 and not letters:
            out += [[m["roman"].upper(), d] for d in decimals]
        else:
            out.append([m["roman"].upper(), *parts])
    return out


def _find(root: Node, path: list[str]) -> Node | None:
    node = next((c for c in root.children if c.kind == "roman" and c.label == path[0]), None)
    for part in path[1:]:
        if node is None:
            return None
        node = next((c for c in walk(node)[1:] if c.label == part and c.kind in ("decimal", "letter")), None)
    return node


def point(found: Found, root: Node | None, text: str, lead: NameRef, line: int) -> bool:
    """Remember where a pointer duty points; True when it points to sections found in the tree."""
    targets = [(len(path), node) for path in references(text) if root is not None and (node := _find(root, path))]
    found.pointed += [(depth, node, lead, line) for depth, node in targets]
    return bool(targets)


def _items(node: Node) -> list[Node]:
    letters = [n for n in walk(node) if n.kind == "letter"]
    return letters or [node]


def _number(node: Node) -> str:
    labels = [a.label for a in reversed(node.ancestors()) if a.kind != "root"] + [node.label]
    roman = labels[0]
    decimals = [lb for lb in labels[1:] if lb[:1].isdigit()]
    last_decimal = decimals[-1] if decimals else ""
    letters = [lb for lb in labels[1:] if not lb[:1].isdigit()]
    return ".".join(p for p in (roman, last_decimal, *letters) if p)


def _text(node: Node) -> str:
    return "\n".join([node.title] + [p.text for p in node.body] + [f"- {b.title}" for b in walk(node)[1:]])


def pointed_tasks(found: Found) -> list[Task]:
    """One task per pointed-to item; the deepest pointer leads, the others coordinate."""
    by_item: dict[int, list[tuple[int, Node, NameRef, int]]] = {}
    nodes: dict[int, Node] = {}
    for depth, target, lead, line in found.pointed:
        for item in _items(target):
            by_item.setdefault(id(item), []).append((depth, item, lead, line))
            nodes[id(item)] = item
    out = []
    for key, claims in by_item.items():
        claims.sort(key=lambda c: -c[0])
        item, lead, line = nodes[key], claims[0][2], claims[0][3]
        others = tuple(dict.fromkeys(c[2] for c in claims[1:] if c[2].text != lead.text))
        note = Note("lead", line, f"Nhiệm vụ giao qua dòng chỉ dẫn (“… tại mục …”) ở dòng {line}: {lead.text} chủ trì")
        text = _text(item)
        out.append(Task(number=_number(item), title=make_title(text), text=text, line=item.line, lead=lead,
                        lead_line=line, support=others, support_line=line, notes=(note,)))
    return out
