"""The commune shape: numbered items followed by their assignment (pure).

    2.5.3. Tích hợp, lồng ghép các nội dung ...
    Chủ trì: Các trường học trên địa bàn xã
    Phối hợp: Đoàn xã, các tổ chức, gia đình.
    Thời gian thực hiện: Tháng 11/2023

Every innermost numbered item is a task. "-" bullets are part of their item's
text, unless two or more of them carry their own fields ("3.3.7. Thực hiện
các báo cáo: - Báo cáo ... Thời gian thực hiện: Tháng 3/2023 ..."): then each
is a task "3.3.7-1", "3.3.7-2"...

An assignment written once after a run of items that have none applies to
the run ("2.3.1 ... 2.3.6" then "2.3.7 ... Công chức Tư pháp chủ trì"; the
last report of 3.3.7 then "Chủ trì: ..."): copied back, and flagged. Items
still missing a field take their heading's, flagged too.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from dondoc.importer.fields import Field, field_paragraph, indicators, subject_lead, support_in_text
from dondoc.importer.model import Context, Found, Note, Task, make_title
from dondoc.importer.names import NameRef, resolve
from dondoc.importer.structure import Node, Para, walk

_LEAD, _TIME = ("lead", "support"), ("timeframe",)


@dataclass
class _Item:
    """A task-to-be: its node (or bullet), number, text and fields."""

    node: Node
    number: str
    paras: list[Para]
    fields: dict[str, Field] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)


def _split(node: Node) -> tuple[list[Para], list[Field]]:
    text, fields = [], []
    for para in node.body:
        found = field_paragraph(para)
        fields.extend(found) if found else text.append(para)
    return text, fields


def _first_fields(fields: list[Field]) -> dict[str, Field]:
    out: dict[str, Field] = {}
    for f in fields:
        if f.kind == "support" and "support" in out:
            out["support"] = Field("support", f"{out['support'].text}; {f.text}", out["support"].line, f.how)
        else:
            out.setdefault(f.kind, f)
    return out


class _Reader:
    def __init__(self, section: Node, ctx: Context, prefix: str) -> None:
        self.ctx, self.prefix = ctx, prefix
        self.text: dict[int, list[Para]] = {}
        self.fields: dict[int, list[Field]] = {}
        for node in walk(section):
            self.text[id(node)], self.fields[id(node)] = _split(node)
        self.items: list[_Item] = []
        self.groups: list[list[_Item]] = []

    def has_fields(self) -> bool:
        return any(self.fields.values())

    def number(self, node: Node, parent_number: str) -> str:
        if node.kind == "decimal":
            return self.prefix + node.label
        return f"{parent_number}.{node.label}" if parent_number else self.prefix + node.label

    def bullets_are_tasks(self, node: Node) -> bool:
        bullets = [c for c in node.children if c.kind == "bullet"]
        return len(bullets) >= 2 and sum(1 for b in bullets if self.fields[id(b)]) >= 2

    def merge_bullets(self, node: Node) -> None:
        for bullet in (c for c in node.children if c.kind == "bullet"):
            for sub in walk(bullet):
                self.text[id(node)] += [Para(sub.line, f"- {sub.title}")] + self.text[id(sub)]
                self.fields[id(node)] += self.fields[id(sub)]

    def collect(self, node: Node, number: str) -> None:
        """Depth first: innermost items become tasks; siblings form a group."""
        if node.kind != "root" and node.kind != "roman" and not self.bullets_are_tasks(node):
            self.merge_bullets(node)
        children = [c for c in node.children if c.kind != "bullet" or self.bullets_are_tasks(node)]
        group, bullets = [], 0
        for child in children:
            bullets += child.kind == "bullet"
            child_number = f"{number}-{bullets}" if child.kind == "bullet" else self.number(child, number)
            if any(c.kind != "bullet" or self.bullets_are_tasks(child) for c in child.children):
                self.collect(child, child_number)
                continue
            if child.kind != "bullet":
                self.merge_bullets(child)
            item = _Item(child, child_number, [Para(child.line, child.title)] + self.text[id(child)],
                         _first_fields(self.fields[id(child)]))
            self.items.append(item)
            group.append(item)
        if group:
            self.groups.append(group)

    def share_backwards(self) -> None:
        """Fields written once after field-less siblings apply to them too (one backward pass per group)."""
        for group in self.groups:
            for kinds in (_LEAD, _TIME):
                source: _Item | None = None
                for item in reversed(group):
                    if kinds[0] in item.fields:
                        source = item
                    elif source is not None:
                        self._copy(item, source, kinds, f"ghi chung sau mục {source.number}")

    def leads_in_lists(self) -> None:
        """'- Cơ quan thực hiện:' left empty, then '+ Sở X chủ trì, phối hợp với ...': X leads."""
        for item in self.items:
            if "lead" in item.fields:
                continue
            for para in item.paras[1:]:
                text = para.text.lstrip("-+• ").strip()
                if para.text[:1] in "-+•" and (subject := subject_lead(text)):
                    item.fields["lead"] = Field("lead", subject, para.line, "text")
                    rest = support_in_text(text)
                    if rest and "support" not in item.fields:
                        item.fields["support"] = Field("support", rest[0], para.line, "text")
                    item.notes.append(Note("lead", para.line, f"Cơ quan chủ trì “{subject}” đọc từ dòng liệt kê — kiểm tra lại"))
                    break

    def inherit(self) -> None:
        headings: dict[int, dict[str, Field]] = {}
        for item in self.items:
            for kinds in (_LEAD, _TIME):
                if kinds[0] in item.fields:
                    continue
                heading = next((a for a in item.node.ancestors() if kinds[0] in self._heading_fields(a, headings)),
                               None)
                if heading is not None:
                    source = _Item(heading, heading.label, [], headings[id(heading)])
                    self._copy(item, source, kinds, f"ghi ở mục {heading.label or 'cha'}")

    def _heading_fields(self, node: Node, memo: dict[int, dict[str, Field]]) -> dict[str, Field]:
        if id(node) not in memo:
            memo[id(node)] = _first_fields(self.fields.get(id(node), []))
        return memo[id(node)]

    @staticmethod
    def _copy(item: _Item, source: _Item, kinds: tuple[str, ...], where: str) -> None:
        for kind in kinds:
            if kind in source.fields and kind not in item.fields:
                item.fields[kind] = source.fields[kind]
        label = "Chủ trì/phối hợp" if kinds == _LEAD else "Thời gian thực hiện"
        item.notes.append(Note(kinds[0], source.fields[kinds[0]].line,
                               f"{label} không ghi riêng cho mục này; lấy theo dòng {where} — kiểm tra lại"))


def _lead(item: _Item, ctx: Context) -> tuple[NameRef | None, tuple[NameRef, ...], list[str], list[Note]]:
    f = item.fields.get("lead")
    if f is None:
        return None, (), [], [Note("lead", item.node.line, "Văn bản không ghi cơ quan chủ trì cho mục này")]
    refs = resolve(f.text, ctx.registry, home=ctx.home)
    if not refs:
        return None, (), [], [Note("lead", f.line, f"Không đọc được cơ quan chủ trì trong “{f.text}”")]
    lead = refs[0] if refs[0].kind != "generic" else NameRef(refs[0].text, "new", None, "group")
    co = tuple(r for r in refs[1:] if r.kind != "generic")
    notes = []
    if f.how == "no-lead-word":
        notes.append(Note("lead", f.line, f"Văn bản chỉ ghi “{f.text} phối hợp với ...”, không ghi “chủ trì”; "
                                          f"tạm coi {f.text} là cơ quan chủ trì"))
    if co:
        notes.append(Note("lead", f.line, f"Văn bản ghi nhiều cơ quan chủ trì ({f.text}); chọn “{lead.text}” làm "
                                          "chủ trì, các cơ quan còn lại đưa vào phối hợp"))
    return lead, co, [r.text for r in refs[1:] if r.kind == "generic"], notes


def _task(item: _Item, ctx: Context) -> Task:
    lead, co, generic, notes = _lead(item, ctx)
    support_field = item.fields.get("support")
    refs = resolve(support_field.text, ctx.registry, home=ctx.home) if support_field else []
    timeframe = item.fields.get("timeframe")
    text = "\n".join(p.text for p in item.paras if p.text)
    return Task(
        number=item.number, title=make_title(item.paras[0].text if item.paras else text), text=text,
        line=item.node.line, lead=lead, lead_line=item.fields["lead"].line if "lead" in item.fields else 0,
        co_leads=co, support=tuple(r for r in refs if r.kind != "generic"),
        also_named=tuple(generic + [r.text for r in refs if r.kind == "generic"]),
        support_line=support_field.line if support_field else 0,
        timeframe=timeframe.text if timeframe else None, timeframe_line=timeframe.line if timeframe else 0,
        indicators=indicators(text), notes=tuple(item.notes + notes))


def _gaps(section: Node, prefix: str) -> dict[int, Note]:
    """'2.3.3' then '2.3.5': a note on 2.3.5."""
    notes = {}
    for node in walk(section):
        decimals = [c for c in node.children if c.kind == "decimal"]
        for before, after in zip(decimals, decimals[1:], strict=False):
            a, b = before.label.split(".")[-1], after.label.split(".")[-1]
            if a.isdigit() and b.isdigit() and int(b) != int(a) + 1:
                notes[id(after)] = Note("number", after.line, f"Số thứ tự nhảy từ {prefix}{before.label} sang "
                                                              f"{prefix}{after.label}; kiểm tra có thiếu mục không")
    return notes


def content_tasks(section: Node, ctx: Context, found: Found, *, prefix: str = "", force: bool = False,
                  quiet: bool = False) -> bool:
    """The commune shape's tasks of a section; False (nothing read) when it assigns no field at all."""
    reader = _Reader(section, ctx, prefix)
    if not reader.has_fields() and not force:
        if section.children and not quiet:
            found.notes.append(Note("tasks", section.line, f"Mục {section.label} “{section.title}” "
                                    f"({len(section.children)} mục) không giao cơ quan chủ trì hay thời hạn nào: "
                                    "coi là định hướng chung, không nhập thành nhiệm vụ"))
        return False
    reader.collect(section, prefix.rstrip(".") if section.kind == "roman" and prefix else "")
    reader.share_backwards()
    reader.leads_in_lists()
    reader.inherit()
    gaps = _gaps(section, prefix)
    for item in reader.items:
        if id(item.node) in gaps:
            item.notes.append(gaps[id(item.node)])
        found.tasks.append(_task(item, ctx))
    return True
