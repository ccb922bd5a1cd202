"""The `dondoc` command (see README.md beside this file)."""
from dondoc.cli.main import main

__all__ = ["main"]
