"""Coordinator-edited YAML (`config/`) read, validated all-or-nothing, with
`file:line: field: message` problems (see README.md beside this file)."""
