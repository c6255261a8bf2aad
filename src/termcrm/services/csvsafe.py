"""CSV writing that spreadsheet programs cannot be tricked by (OWASP CSV injection).

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'`
so that Excel, LibreOffice and Google Sheets show it as text instead of running it as a
formula. `unescape` reverses it when termcrm reads its own files back.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from typing import IO, Any

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def escape(value: str) -> str:
    return "'" + value if value.startswith(DANGEROUS) else value


def unescape(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(DANGEROUS) else value


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
    return escape(str(value))


def write_csv(
    fh: IO[str], rows: list[dict[str, Any]], columns: Sequence[str] | None = None
) -> None:
    columns = list(columns or (rows[0].keys() if rows else []))
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
