"""The one error the importer raises on input it cannot read as a plan."""
from __future__ import annotations


class PlanImportError(ValueError):
    """Broken or unsupported input; the message is Vietnamese first, then English.

    `file` and `line` (0 when no line applies) say where; `str(error)` reads
    "file:line: message" so a CLI can print it as is.
    """

    def __init__(self, file: str, message: str, line: int = 0) -> None:
        self.file, self.line, self.message = file, line, message
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {message}")
