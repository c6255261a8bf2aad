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
    raw: list[str] | None = None  # the cells as in the file (CSV), for the rejects file


class Rejected(NamedTuple):
    """A record a reader could not read (a ragged row, a broken vCard): a bad row."""

    reason: str
    raw: list[str] | None = None


@dataclass
class Options:
    on_duplicate: str = "skip"
    actor: str | None = None
    own_format: bool = False
    columns: set[str] = field(default_factory=set)  # the fields the file has columns for
    source_format: str = "CSV"  # the tool that wrote the file (`sources.detect_format`)
    #: keep the name's parts as such (vCard N; termcrm's own files keep them anyway); other
    #: tools' CSV name columns only make the display name, as they always did
    name_parts: bool = False


@dataclass
class BadRow:
    line: int
    reason: str


@dataclass
class Skip:
    """A row skipped as a duplicate: why, and what it matched (a record already stored, by
    id, or an earlier line of the same file)."""

    line: int
    reason: str
    existing_id: int | None = None
    earlier_line: int | None = None


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
    hidden: int = 0  # LinkedIn members who hide their details
    #: new contacts with the name or phone of a contact that existed before the import
    likely_duplicates: int = 0
    bad: list[BadRow] = field(default_factory=list)
    bad_total: int = 0
    #: the skipped rows, each with why (the first MAX_REPORTED; `skipped` counts them all)
    skips: list[Skip] = field(default_factory=list)
    dry_run: bool = False
    skip_bad: bool = False
    rejects: str | None = None  # where the bad rows were written (--skip-bad)
    sink: Any = field(default=None, repr=False)  # called with each bad row (the rejects)
    #: a vCard file: where each property went (`formats.vcard_props.Plan`)
    properties: Any = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.bad_total == 0

    @property
    def writing(self) -> bool:
        """Whether good rows are written: no bad row so far, or `--skip-bad`."""
        return self.skip_bad or self.bad_total == 0

    def grouped(self, limit: int = 20) -> tuple[list[tuple[str, int, str]], int]:
        """Bad rows with the same reason together: ([(reason, rows, "lines 2-9, 12")], how
        many rows the `limit` groups leave out), most frequent reason first."""
        by_reason: dict[str, list[int]] = {}
        for b in self.bad:
            by_reason.setdefault(b.reason, []).append(b.line)
        groups = sorted(by_reason.items(), key=lambda kv: (-len(kv[1]), kv[1][0]))
        shown = [(reason, len(lines), _ranges(lines)) for reason, lines in groups[:limit]]
        return shown, self.bad_total - sum(n for _r, n, _l in shown)

    def add_bad(self, line: int, reason: str) -> None:
        """A row that cannot be imported, with every reason (one line, `; ` between them: a
        row with several invalid cells names them all)."""
        reason = "; ".join(part for part in reason.splitlines() if part.strip())
        if self.sink is not None:
            self.sink(line, reason)
        self.bad_total += 1
        if len(self.bad) < MAX_REPORTED:
            self.bad.append(BadRow(line, reason))

    def add_skip(
        self, line: int, reason: str, *, existing: int | None = None, earlier: int | None = None
    ) -> None:
        """A duplicate skipped: `existing` is the id of the stored record it matched,
        `earlier` the line of this file that did."""
        self.skipped += 1
        if len(self.skips) < MAX_REPORTED:
            self.skips.append(Skip(line, reason, existing, earlier))

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
            "hidden": self.hidden,
            "likely_duplicates": self.likely_duplicates,
            "mapping": [{"column": c, "field": f} for c, f in self.mapping],
            "errors": [{"line": b.line, "reason": b.reason} for b in self.bad],
            "skips": [
                {
                    "line": k.line,
                    "reason": k.reason,
                    "existing_id": k.existing_id,
                    "earlier_line": k.earlier_line,
                }
                for k in self.skips
            ],
            "error_count": self.bad_total,
            "skip_bad": self.skip_bad,
            "rejects": self.rejects,
            **({"properties": self.properties.rows()} if self.properties is not None else {}),
        }


class ImportFailed(Invalid):
    """Some rows were bad: nothing was written. Carries the full report."""

    def __init__(self, result: ImportResult) -> None:
        n = result.bad_total
        super().__init__(
            f"{n} bad row{'s' if n != 1 else ''} in {result.path}; nothing was imported"
        )
        self.result = result


def _ranges(lines: list[int], most: int = 8) -> str:
    """`[2, 3, 4, 9]` -> "lines 2-4, 9" (at most `most` ranges, then how many more lines)."""
    lines = sorted(lines)
    spans: list[list[int]] = []
    for n in lines:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    parts = [f"{a}-{b}" if b > a else str(a) for a, b in spans[:most]]
    rest = sum(b - a + 1 for a, b in spans[most:])
    text = ("line " if len(lines) == 1 else "lines ") + ", ".join(parts)
    return text + (f" and {rest} more" if rest else "")
