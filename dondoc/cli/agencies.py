"""`dondoc agencies seed`: a province's registry from the official list
(the domain logic is dondoc.config.seed; this module only reads options and
writes the file)."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from dondoc.cli.app import fail, out

agencies_app = typer.Typer(help="Danh mục cơ quan / the agency registry", no_args_is_help=True)


@agencies_app.command("seed")
def seed(out_file: Annotated[Path, typer.Option("--out", help="Tệp YAML sẽ ghi / the YAML file to write")],
         province: Annotated[Optional[str], typer.Option(help="Tên hoặc mã tỉnh, thành phố (ví dụ 'Đồng Nai', '75')")] = None,
         all_: Annotated[bool, typer.Option("--all", help="Cả 34 tỉnh, thành phố / every province")] = False,
         communes: Annotated[bool, typer.Option("--communes", help="UBND các xã, phường, đặc khu")] = False,
         departments: Annotated[bool, typer.Option("--departments", help="Các sở, ban, ngành, đoàn thể cấp tỉnh")] = False,
         force: Annotated[bool, typer.Option("--force", help="Ghi đè tệp đã có / overwrite")] = False) -> None:
    """Tạo danh mục cơ quan của một tỉnh từ danh mục hành chính chính thức / seed a province's agencies.

    Without --communes or --departments, both are written."""
    from dondoc.config.seed import (
        SeedError,
        find_province,
        official_provinces,
        package_version,
        seed_registry,
        standard_bodies,
        to_yaml,
    )

    if all_ == (province is not None):
        fail("Cần đúng một trong --province hoặc --all / give exactly one of --province NAME_OR_CODE or --all")
    if out_file.exists() and not force:
        fail(f"{out_file}: tệp đã có, thêm --force để ghi đè / file exists, add --force to overwrite")
    both = not communes and not departments
    try:
        provinces = official_provinces()
        chosen = provinces if all_ else [find_province(provinces, province or "")]
        result = seed_registry(chosen, standard_bodies(), communes=communes or both, departments=departments or both)
    except SeedError as exc:
        fail(f"--province: {exc}")
    title = ("Cơ quan của 34 tỉnh, thành phố / agencies of every province" if all_
             else f"Cơ quan của {chosen[0].name} (mã {chosen[0].code:02d}) / agencies of {chosen[0].name}")
    try:
        out_file.write_text(to_yaml(result, title=title, source=package_version()), encoding="utf-8")
    except OSError as exc:
        fail(f"{out_file}: không ghi được tệp / cannot write the file: {exc.strerror}")
    out.print(f"Đã ghi {out_file}: {len(result.agencies)} cơ quan ({result.provinces} tỉnh, thành phố; "
              f"{result.communes} xã, phường, đặc khu; {len(result.conditional)} cơ quan chỉ có ở một số tỉnh, "
              "cần xem lại) "
              f"/ wrote {len(result.agencies)} agencies", markup=False)
    out.print(f"Chưa có email / no email: {result.without_email} cơ quan — nhắc việc của các cơ quan này được giữ lại "
              "đến khi điền địa chỉ và nạp lại / their reminders are held until an address is set and loaded",
              markup=False)
