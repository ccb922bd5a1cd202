"""`dondoc import-plan FILE`: a plan document (.txt, .docx) -> a draft plan config to review.

Register in dondoc/cli.py with `app.command("import-plan")(import_plan_command)`.
Reads the agency registry (top-level `agencies:`) and configured plans from
the YAML files under --agencies, writes the draft to --out (or stdout) and a
Vietnamese summary to stderr. Exit code 2 on input it cannot read.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated, Any, Optional

import typer


class _ConfigProblem(Exception):
    pass


def _yaml_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml"))
    return [path] if path.is_file() else []


def _read_yaml(path: Path) -> Any:
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError, ValueError) as exc:
        raise _ConfigProblem(f"{path}: tệp cấu hình không đọc được / unreadable config: {exc}") from None
    except RecursionError:  # PyYAML composes recursively: thousands of nested levels
        raise _ConfigProblem(f"{path}: tệp cấu hình lồng nhau quá sâu / config nested too deeply") from None


def load_registry(path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Agencies and plans from every YAML file under `path` (files without them are skipped)."""
    agencies: list[dict[str, Any]] = []
    plans: list[dict[str, Any]] = []
    for file in _yaml_files(path):
        data = _read_yaml(file)
        if isinstance(data, dict):
            agencies += [a for a in data.get("agencies") or [] if isinstance(a, dict)]
            plans += [p for p in data.get("plans") or [] if isinstance(p, dict)]
    return agencies, plans


def _write(out: Path, text: str) -> None:
    """Write through a temporary file so a failure never leaves half a draft."""
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _fail(message: str) -> None:
    typer.echo(f"Lỗi: {message}", err=True)
    raise typer.Exit(code=2)


def import_plan_command(
    file: Annotated[Path, typer.Argument(help="Văn bản kế hoạch (.txt hoặc .docx) / plan document")],
    agencies: Annotated[Path, typer.Option(help="Thư mục (hoặc tệp) YAML có danh mục cơ quan `agencies:`")] = Path("config"),
    out: Annotated[Optional[Path], typer.Option(help="Ghi bản nháp vào tệp này (mặc định: in ra màn hình)")] = None,
    force: Annotated[bool, typer.Option("--force", help="Ghi đè tệp --out đã có")] = False,
) -> None:
    """Đọc văn bản kế hoạch và tạo bản nháp cấu hình để rà soát / draft a plan config from a document."""
    from dondoc.importer import PlanImportError, import_plan, summary_vi, to_yaml

    if out is not None and out.exists() and not force:
        _fail(f"{out} đã tồn tại; dùng --force để ghi đè / {out} exists, use --force")
    if out is not None and not out.parent.is_dir():
        _fail(f"thư mục {out.parent} không tồn tại / no such directory")
    try:
        registry, plans = load_registry(agencies)
    except _ConfigProblem as exc:
        _fail(str(exc))
    if not registry:
        typer.echo(f"Cảnh báo: không thấy danh mục cơ quan trong {agencies}; mọi cơ quan sẽ được đề xuất mới.", err=True)
    try:
        result = import_plan(file, agencies=registry, plans=plans)
    except PlanImportError as exc:
        _fail(f"{file}:{exc.line}: {exc.message}" if exc.line else f"{file}: {exc.message}")
    text = to_yaml(result)
    if out is None:
        typer.echo(text, nl=False)
    else:
        _write(out, text)
    typer.echo(summary_vi(result) + (f"\n  Bản nháp: {out}" if out else ""), err=True)
