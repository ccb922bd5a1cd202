"""Read and validate `config/` YAML all-or-nothing, with file:line errors.

`read_config(paths)` returns a checked `Config` or raises `ConfigError`
listing every problem found; nothing touches the database here.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from dondoc.config.checks import check
from dondoc.config.implementing import KnownTree
from dondoc.config.problems import Config, ConfigError, Located, Problem
from dondoc.config.schema import AgencyIn, ConfigFileIn, PlanIn, PolicyIn
from dondoc.engine.reporting import Reporting
from dondoc.engine.reporting import report_dates as engine_report_dates
from dondoc.engine.timeframes import TimeframeError, parse_timeframe

MAX_FILE_BYTES = 5 * 1024 * 1024


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given; directories contribute their *.yaml / *.yml, sorted."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*") if q.suffix in (".yaml", ".yml")))
        else:
            out.append(p)
    return out


def _read_text(path: Path) -> str:
    if not path.exists():
        raise ConfigError([Problem(str(path), 0, "", "không tìm thấy tệp / file not found")])
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ConfigError([Problem(str(path), 0, "", f"tệp quá lớn (> {MAX_FILE_BYTES // 1024 // 1024} MB) / file too large")])
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError([Problem(str(path), line, "", "không phải UTF-8 / not UTF-8 text; hãy lưu tệp dạng UTF-8")]) from None


MAX_DEPTH = 40  # nesting levels; PyYAML composes recursively, so 5,000 levels would exhaust the stack
_OPENERS = (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken, yaml.FlowMappingStartToken,
            yaml.FlowSequenceStartToken)
_CLOSERS = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _refuse_unreadable(text: str, file: str) -> None:
    """What PyYAML cannot be given safely: NUL and other control bytes, and nesting deeper than MAX_DEPTH
    (found by the scanner, which is not recursive)."""
    if "\x00" in text:
        raise ConfigError([Problem(file, _line_of(text, text.index("\x00")), "",
                                   "tệp chứa ký tự NUL (\\0) / the file contains a NUL byte; is it really a YAML text file?")])
    depth = 0
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, _OPENERS):
                depth += 1
                if depth > MAX_DEPTH:
                    raise ConfigError([Problem(file, token.start_mark.line + 1, "",
                                               f"lồng nhau quá {MAX_DEPTH} cấp / nested deeper than {MAX_DEPTH} levels")])
            elif isinstance(token, _CLOSERS):
                depth -= 1
    except yaml.MarkedYAMLError:
        return  # a syntax error: the parser below reports it with its line
    except yaml.reader.ReaderError as exc:
        raise ConfigError([Problem(file, _line_of(text, exc.position), "",
                                   f"ký tự không được phép / character not allowed in YAML: {exc.reason}")]) from None


def _key(loader: yaml.SafeLoader, k: yaml.Node) -> Any:
    """A mapping key: plain text, a number or a date, never a list or a mapping (which cannot be keys)."""
    if not isinstance(k, yaml.ScalarNode):
        raise yaml.MarkedYAMLError("", None, "khóa phải là chữ, không phải danh sách hay bảng / a key must be "
                                             "plain text, not a list or a mapping", k.start_mark)
    return loader.construct_object(k, deep=True)


def _no_nul(value: Any, node: yaml.Node) -> Any:
    if isinstance(value, str) and "\x00" in value:
        raise yaml.MarkedYAMLError("", None, "giá trị chứa ký tự NUL (\\0) / a value contains a NUL character",
                                   node.start_mark)
    return value


def parse_yaml(text: str, file: str) -> tuple[Any, dict[tuple, int]]:
    """YAML -> Python data plus a map from each value's path to its line."""
    _refuse_unreadable(text, file)
    loader = yaml.SafeLoader(text)
    lines: dict[tuple, int] = {}
    seen: set[int] = set()
    try:
        root = loader.get_single_node()

        def walk(node: yaml.Node, path: tuple) -> Any:
            lines[path] = node.start_mark.line + 1
            if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
                if id(node) in seen:  # an alias: refused, or a "billion laughs" file would expand forever
                    raise yaml.MarkedYAMLError("", None, "không dùng tham chiếu YAML (&/*) / YAML aliases are not allowed",
                                               node.start_mark)
                seen.add(id(node))
            if isinstance(node, yaml.MappingNode):
                out: dict[Any, Any] = {}
                for k, v in node.value:
                    key = _no_nul(_key(loader, k), k)
                    if key in out:
                        raise yaml.MarkedYAMLError("", None, f"khóa '{key}' bị lặp / duplicate key '{key}'", k.start_mark)
                    out[key] = walk(v, path + (key,))
                return out
            if isinstance(node, yaml.SequenceNode):
                return [walk(v, path + (i,)) for i, v in enumerate(node.value)]
            try:
                return _no_nul(loader.construct_object(node, deep=True), node)
            except (ValueError, OverflowError) as exc:  # e.g. 2023-02-30: a date YAML recognises but the calendar has not
                field = ".".join(str(p) for p in path if not isinstance(p, int))
                raise ConfigError([Problem(file, node.start_mark.line + 1, field,
                                           f"giá trị '{node.value}' không hợp lệ / invalid value: {exc}")]) from None

        data = walk(root, ()) if root is not None else {}
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ConfigError([Problem(file, mark.line + 1 if mark else 0, "", f"lỗi cú pháp YAML / YAML syntax: {exc.problem or exc}")]) from None
    except yaml.YAMLError as exc:
        raise ConfigError([Problem(file, 0, "", f"lỗi cú pháp YAML / YAML syntax: {exc}")]) from None
    finally:
        loader.dispose()
    return data, lines


def _validation_problems(exc: ValidationError, file: str, lines: dict[tuple, int]) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = tuple("from" if p == "from_" else p for p in err["loc"])
        line = next((lines[loc[:n]] for n in range(len(loc), -1, -1) if loc[:n] in lines), 0)
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "khóa không được phép / unknown key"
        elif err["type"] == "missing":
            message = "thiếu trường bắt buộc / required field missing"
        problems.append(Problem(file, line, ".".join(str(p) for p in loc), message))
    return problems


def read_file(path: Path) -> tuple[ConfigFileIn, dict[tuple, int]]:
    file = str(path)
    data, lines = parse_yaml(_read_text(path), file)
    if not isinstance(data, dict):
        raise ConfigError([Problem(file, 1, "", "cần một bảng khóa agencies/escalation_policies/plans / expected a mapping")])
    try:
        return ConfigFileIn.model_validate(data), lines
    except ValidationError as exc:
        raise ConfigError(_validation_problems(exc, file, lines)) from None


def read_config(paths: list[Path], *, known_agencies: frozenset[str] | Mapping[str, str | None] = frozenset(),
                known_policies: frozenset[str] = frozenset(), known_tree: KnownTree | None = None) -> Config:
    """Parse and check every file; raise ConfigError with all problems. `known_agencies` is best the stored
    tree (id -> parent id): the agency tree is then checked as it will be after the load."""
    files = expand_paths(paths)
    if not files:
        raise ConfigError([Problem(", ".join(map(str, paths)), 0, "", "không có tệp .yaml nào / no YAML files")])
    config, problems = Config(files=[str(f) for f in files]), []
    for path in files:
        try:
            parsed, lines = read_file(path)
        except ConfigError as exc:
            problems.extend(exc.problems)
            continue
        _collect(config, parsed, str(path), lines, problems)
    if not problems:
        problems.extend(check(config, known_agencies, known_policies, known_tree))
    if problems:
        raise ConfigError(problems)
    return config


def _collect(config: Config, parsed: ConfigFileIn, file: str, lines: dict, problems: list[Problem]) -> None:
    groups: list[tuple[str, list[Any], dict[str, Located]]] = [
        ("agencies", parsed.agencies, config.agencies),
        ("escalation_policies", parsed.escalation_policies, config.policies),
        ("plans", parsed.plans, config.plans),
    ]
    for key, items, target in groups:
        for i, item in enumerate(items):
            located = Located(item, file, lines, (key, i))
            if item.id in target:
                first = target[item.id]
                problems.append(Problem(file, located.line("id"), f"{key}.id",
                                        f"mã '{item.id}' bị trùng, đã có ở {first.file}:{first.line('id')} / duplicate id"))
                continue
            target[item.id] = located
    if parsed.calendar is not None:
        _collect_calendar(config, parsed, file, lines, problems)


def _collect_calendar(config: Config, parsed: ConfigFileIn, file: str, lines: dict, problems: list[Problem]) -> None:
    """Calendar sections of several files add up; one day decided both ways is refused."""
    assert parsed.calendar is not None
    days = config.calendar if config.calendar is not None else {}
    for key, working in (("days_off", False), ("working_days", True)):
        for i, day in enumerate(getattr(parsed.calendar, key)):
            line = lines.get(("calendar", key, i), lines.get(("calendar",), 0))
            if day in days and days[day][0] != working:
                problems.append(Problem(file, line, f"calendar.{key}",
                                        f"ngày {day:%d/%m/%Y} đã được khai báo khác ở {days[day][2]} / "
                                        "decided the other way elsewhere"))
                continue
            days[day] = (working, "", f"{file}:{line}")
    config.calendar = days


def report_dates(plan: PlanIn) -> tuple[tuple[int, int], ...]:
    return engine_report_dates(Reporting.of(r.model_dump(by_alias=True)) for r in plan.reporting)


def plan_year(plan: PlanIn) -> int:
    """The year a phrase without one means: the plan's period's, else the issue date's."""
    return plan.span()[0].year


def plan_span(plan: PlanIn) -> tuple[date, date]:
    return plan.span()


__all__ = ["AgencyIn", "Config", "ConfigError", "Located", "PlanIn", "PolicyIn", "Problem", "TimeframeError",
           "parse_timeframe", "plan_span", "plan_year", "read_config", "report_dates"]
