"""termcrm's JSON files: an array of records (the shape of `--json`), read and written."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from termcrm.errors import Invalid
from termcrm.services.transfer.rows import Row


def is_json(path: Path) -> bool:
    if path.suffix.lower() == ".json":
        return True
    try:
        with path.open("rb") as fh:
            head = fh.read(16).lstrip(b"\xef\xbb\xbf").lstrip()
    except OSError:
        return False
    return head.startswith(b"[")


def read_array(path: Path) -> list[dict[str, Any]]:
    """The records of a JSON array file, or Invalid saying why it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise Invalid(f"No such file: {path}") from exc
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise Invalid(f"{path} is not a JSON array of records: {exc}") from exc
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise Invalid(f"{path} is not a JSON array of records")
    return data


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def rows(
    data: list[dict[str, Any]], targets: set[str], *, with_fields: bool
) -> Iterator[tuple[int, Row]]:
    """(record number, Row) for each record; keys outside `targets` are ignored."""
    for n, rec in enumerate(data, 1):
        values = {}
        for k, val in rec.items():
            if k in targets and k not in ("tags", "fields"):
                cell = _cell(val)
                if cell.strip():
                    values[k] = cell
        tags = [str(t) for t in rec.get("tags") or []] if with_fields else []
        custom = {}
        if with_fields and isinstance(rec.get("fields"), dict):
            custom = {str(k): str(v) for k, v in rec["fields"].items() if str(v) != ""}
        yield n, Row(values, tags, custom)


def write_array(fh: IO[str], recs: Iterable[dict[str, Any]]) -> int:
    """`recs` as a JSON array, one record a line, streamed; returns how many."""
    count = 0
    fh.write("[")
    for rec in recs:
        fh.write(",\n  " if count else "\n  ")
        fh.write(json.dumps(rec, ensure_ascii=False))
        count += 1
    fh.write("\n]\n" if count else "]\n")
    return count
