"""Issue 15.7: YAML that PyYAML cannot take safely gives `file:line` errors,
never a traceback: nesting 5,000 deep, a mapping used as a key, NUL bytes."""
from __future__ import annotations

from pathlib import Path

import pytest

from dondoc.config.reader import MAX_DEPTH, ConfigError, read_config

BAD = {
    "deep-flow.yaml": ("agencies: " + "[" * 5000 + "]" * 5000 + "\n", 1, "nested deeper than"),
    "deep-block.yaml": ("".join(" " * i + f"k{i}:\n" for i in range(2000)) + " " * 2000 + "x: 1\n",
                        MAX_DEPTH + 1, "nested deeper than"),
    "mapping-key.yaml": ("agencies:\n  ? {id: a}\n  : 2\n", 2, "a key must be plain text"),
    "list-key.yaml": ("plans:\n  - {[a, b]: 1}\n", 2, "a key must be plain text"),
    "nul-byte.yaml": ("agencies:\n  - id: a\x00b\n", 2, "NUL byte"),
    "nul-escape.yaml": ('agencies:\n  - id: a\n    name: "x\\0y"\n', 3, "NUL character"),
    "bell.yaml": ("agencies:\n  - id: a\x07\n", 2, "character not allowed"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_unreadable_yaml_is_refused_with_its_file_and_line(tmp_path: Path, name: str):
    text, line, message = BAD[name]
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        read_config([tmp_path / name])
    problem = caught.value.problems[0]
    assert (Path(problem.file).name, problem.line) == (name, line) and message in problem.message


def test_forty_levels_of_nesting_are_still_read(tmp_path: Path):
    (tmp_path / "ok.yaml").write_text("x: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:  # read, then refused for its content (an unknown key), not its depth
        read_config([tmp_path / "ok.yaml"])
    assert "unknown key" in str(caught.value)
