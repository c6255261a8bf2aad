"""What flows through an import: rows read from a file, the options, and the report.

Readers (`formats/`) yield `(line, Row)` for each record, or `(line, Rejected(reason))` for a
record they cannot read; the pipeline maps, validates and writes them and fills the
`ImportResult`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from termcrm.errors import Invalid

KINDS = ("contacts", "companies", "interactions", "deals", "tasks", "cases")
ON_DUPLICATE = ("skip", "update", "error")
MAX_REPORTED = 10_000


@dataclass
class Row:
    """The values of one record as read from the file, before validation."""

    values: dict[str, str]
    tags: list[str]
    custom: dict[str, str]


class Rejected(NamedTuple):
    """A record a reader could not read (a ragged row, a broken vCard): a bad row."""

    reason: str


@dataclass
class Options:
    on_duplicate: str = "skip"
    actor: str | None = None
    own_format: bool = False
    columns: set[str] = field(default_factory=set)  # the fields the file has columns for


@dataclass
class BadRow:
    line: int
    reason: str


@dataclass
class ImportResult:
    kind: str
    path: str
    source_format: str = "CSV"
    encoding: str = "utf-8"
    delimiter: str = ","
    mapping: list[tuple[str, str]] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    companies_created: int = 0
    bad: list[BadRow] = field(default_factory=list)
    bad_total: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return self.bad_total == 0

    def add_bad(self, line: int, reason: str) -> None:
        self.bad_total += 1
        if len(self.bad) < MAX_REPORTED:
            self.bad.append(BadRow(line, reason))

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.path,
            "format": self.source_format,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "companies_created": self.companies_created,
            "mapping": [{"column": c, "field": f} for c, f in self.mapping],
            "errors": [{"line": b.line, "reason": b.reason} for b in self.bad],
            "error_count": self.bad_total,
        }


class ImportFailed(Invalid):
    """Some rows were bad: nothing was written. Carries the full report."""

    def __init__(self, result: ImportResult) -> None:
        n = result.bad_total
        super().__init__(
            f"{n} bad row{'s' if n != 1 else ''} in {result.path}; nothing was imported"
        )
        self.result = result
