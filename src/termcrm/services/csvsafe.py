"""CSV writing that spreadsheet programs cannot be tricked by (OWASP CSV injection).

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'`
so that Excel, LibreOffice and Google Sheets show it as text instead of running it as a
formula. A cell that already starts with `'` gets one more, so that `unescape` can reverse
every escape exactly when termcrm reads its own files back (`'=x` -> `''=x` -> `'=x`).

Lists (tags) are written as `a; b`, or as a JSON array when an item itself holds a `;` or
would not survive the split; dicts (custom fields) as a JSON object. `split_list` reads both.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from typing import IO, Any

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "


def escape(value: str) -> str:
    return "'" + value if value.startswith((*DANGEROUS, "'")) else value


#: the characters `escape` put a `'` before (each a single character)
ESCAPED_SECOND = frozenset((*DANGEROUS, "'"))


def unescape(value: str) -> str:
    # called for every cell of an import: a slice test instead of two startswith calls
    # (the importer inlines the same test)
    if value[:1] == "'" and value[1:2] in ESCAPED_SECOND:
        return value[1:]
    return value


def _list_cell(items: Iterable[Any]) -> str:
    items = [str(v) for v in items]
    plain = all(v and ";" not in v and v == v.strip() and not v.startswith("[") for v in items)
    if plain:
        return LIST_SEPARATOR.join(items)
    return json.dumps(items, ensure_ascii=False)


def split_list(value: str, sep: str = ";") -> list[str]:
    """The items of a list cell as `cell` writes it (`a; b` or a JSON array)."""
    v = value.strip()
    if not v:
        return []
    if v.startswith("["):
        try:
            items = json.loads(v)
        except ValueError:
            items = None
        if isinstance(items, list) and all(isinstance(i, str) for i in items):
            return items
    return [part.strip() for part in v.split(sep) if part.strip()]


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        value = _list_cell(value)
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
    return escape(str(value))


def writer(fh: IO[str]):
    """The csv writer termcrm uses for every file it writes (`\\n` line ends, minimal quoting)."""
    return csv.writer(fh, lineterminator="\n")


def write_csv(
    fh: IO[str], rows: Iterable[dict[str, Any]], columns: Sequence[str] | None = None
) -> None:
    """A header row and one row per record; `rows` may be any iterable (streamed)."""
    it = iter(rows)
    first = None
    if columns is None:
        first = next(it, None)
        columns = list(first.keys()) if first else []
    w = writer(fh)
    w.writerow(columns)
    if first is not None:
        w.writerow([cell(first.get(c)) for c in columns])
    for row in it:
        w.writerow([cell(row.get(c)) for c in columns])
