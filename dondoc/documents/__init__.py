"""Documents dondoc writes: the compiled report (.docx) and its annex (.xlsx).
Pure functions from data to bytes; nothing here reads a database or a clock."""
