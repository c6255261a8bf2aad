"""Importing records from files: read -> map -> validate -> dedupe -> write, all or nothing.

The file streams through in batches inside one write transaction: a reader (`formats/`)
yields rows, `mapping.py` turns a CSV row's cells into field values, and the writer of the
record kind (`writers/`) validates each row with the rules of the services, deduplicates it
against the database (which holds the earlier batches of the same file, so no in-memory set
grows with the file) and writes with bulk SQLAlchemy Core inserts. A bad row is remembered
with its file line and reason and validation goes on to the end; if any row was bad, or this
is a dry run, the transaction rolls back and nothing is written.

Duplicates: contacts by email (case-insensitive); a row without an email by name and phone,
or name and company (`writers.contacts.same_person`: namesakes are different people);
companies by name; interactions, deals, tasks and cases by their natural key (see
`writers.base.NATURAL_KEYS`). `on_duplicate` skips them (default; each skip is listed in
`ImportResult.skips` with why and what it matched), updates the existing record from the
file, or makes them bad rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from termcrm import paths
from termcrm.errors import Conflict, Invalid
from termcrm.services import validate
from termcrm.services.transfer import mapping as colmap
from termcrm.services.transfer import sources
from termcrm.services.transfer.formats import csv as csvfile
from termcrm.services.transfer.formats import json as jsonfile
from termcrm.services.transfer.formats import vcard
from termcrm.services.transfer.rows import (
    KINDS,
    ON_DUPLICATE,
    ImportFailed,
    ImportResult,
    Options,
    Rejected,
    Row,
)
from termcrm.services.transfer.sources import FOOTERS
from termcrm.store import bulk

BATCH = 2000

Progress = Callable[[int, int], None]
Item = tuple[int, Row | Rejected]


class _Rollback(Exception):
    """Ends a dry run: the transaction rolls back."""


def import_file(
    store,
    kind: str,
    path: str | Path,
    *,
    overrides: Iterable[str] = (),
    dry_run: bool = False,
    on_duplicate: str = "skip",
    encoding: str | None = None,
    delimiter: str | None = None,
    actor: str | None = None,
    progress: Progress | None = None,
    skip_bad: bool = False,
    rejects: str | Path | None = None,
) -> ImportResult:
    """Import `path` as records of `kind`. Raises ImportFailed (exit 2) if any row is bad;
    on a dry run returns the result with nothing written. `skip_bad`: the good rows are
    imported and the bad ones written to `rejects` (default `<name>.rejects.csv`)."""
    if kind not in KINDS:
        raise Invalid(f"Unknown record type {kind!r}; choose one of: {', '.join(KINDS)}")
    on_duplicate = validate.choice(on_duplicate, ON_DUPLICATE, "--on-duplicate value")
    path = Path(path).expanduser()
    out = None
    if skip_bad and not dry_run:
        out = Path(rejects).expanduser() if rejects else csvfile.rejects_path(path)
    if kind == "contacts" and vcard.is_vcard(path):
        return _import_vcard(store, path, dry_run, on_duplicate, actor, encoding, skip_bad, out)
    if jsonfile.is_json(path):
        return _import_json(
            store, kind, path, dry_run, on_duplicate, actor, progress, skip_bad, out
        )
    over = colmap.parse_overrides(list(overrides))
    with csvfile.open_source(
        path,
        colmap.known_headers(kind) | set(over),
        encoding=encoding,
        delimiter=delimiter,
    ) as src:
        mapping = colmap.build(kind, src.headers, over)
        result = ImportResult(
            kind=kind,
            path=str(path),
            source_format=mapping.source_format,
            encoding=src.encoding,
            delimiter=src.delimiter,
            mapping=mapping.describe(),
            dry_run=dry_run,
            skip_bad=skip_bad,
        )
        opts = Options(
            on_duplicate=on_duplicate,
            actor=actor,
            own_format=mapping.source_format == "termcrm",
            columns=set(mapping.sources),
            source_format=mapping.source_format,
        )
        rows = _csv_rows(src, mapping, opts)
        sink = csvfile.Rejects(out, src.headers) if out else None
        run_import(store, kind, rows, result, opts, progress=progress, position=src, rejects=sink)
    return result


def run_import(
    store,
    kind: str,
    rows: Iterator[Item],
    result: ImportResult,
    opts: Options,
    *,
    progress: Progress | None = None,
    position=None,
    rejects: csvfile.Rejects | None = None,
) -> ImportResult:
    """Validate and write `rows` (line, Row) in one transaction; roll back on any bad row
    (with `result.skip_bad`: write the good ones and each bad one to `rejects`)."""
    from termcrm.services.transfer.writers import WRITERS

    writer_cls = WRITERS[kind]
    current: dict[int, list[str] | None] = {}  # line -> cells, of the rows being written
    if rejects is not None:
        result.sink = lambda line, reason: rejects.add(line, reason, current.get(line))
    try:
        _run(store, writer_cls, rows, result, opts, progress, position, current, rejects)
    except BaseException:
        if rejects is not None:
            rejects.discard()
        raise
    if rejects is not None:
        rejects.close()
        result.rejects = str(rejects.path) if rejects.count else None
    return result


def _run(store, writer_cls, rows, result, opts, progress, position, current, rejects) -> None:
    keep = rejects is not None
    try:
        with store.write() as session, bulk.bulk_cache(session.connection()):
            conn = session.connection()
            writer = writer_cls(conn, result, opts)
            batch: list[tuple[int, Row]] = []
            for line, row in rows:
                result.rows += 1
                if row.__class__ is Rejected:
                    if keep:
                        current[line] = row.raw
                    result.add_bad(line, row.reason)
                    continue
                batch.append((line, row))
                if len(batch) >= BATCH:
                    if keep:
                        current.clear()
                        current.update((n, r.raw) for n, r in batch)
                    writer.write(batch)
                    batch = []
                    if progress and position is not None:
                        progress(position.position(), position.size)
            if batch:
                if keep:
                    current.clear()
                    current.update((n, r.raw) for n, r in batch)
                writer.write(batch)
            writer.finish()
            _audit_summary(conn, writer_cls, result, opts)
            if progress and position is not None:
                progress(position.size, position.size)
            result.bad.sort(key=lambda b: b.line)
            if not result.writing:
                raise ImportFailed(result)
            if result.dry_run:
                raise _Rollback
    except _Rollback:
        pass
    except IntegrityError as exc:
        # not a duplicate (those are skipped or updated above): a row another writer stored
        # meanwhile under a constraint this import cannot resolve by itself
        constraint = getattr(getattr(exc.orig, "diag", None), "constraint_name", None)
        what = f" ({constraint})" if constraint else ""
        raise Conflict(
            f"Another writer stored conflicting records while the import ran{what}; "
            "nothing was imported; run the import again"
        ) from exc


def _audit_summary(conn, writer_cls, result, opts) -> None:
    """One audit trail entry for the whole import (SQLite; PostgreSQL's triggers saw each row)."""
    from termcrm.services import audit
    from termcrm.store.teamsql import AUDITED

    entity = AUDITED.get(writer_cls.table.__tablename__)
    if entity is None or result.dry_run:
        return
    audit.record_bulk(
        conn,
        entity=entity[0],
        count=result.created + result.updated,
        actor=opts.actor or paths.current_user(),
        label=f"import: {result.created} created, {result.updated} updated",
    )


def _csv_rows(src: csvfile.Source, mapping: colmap.Mapping, opts: Options) -> Iterator[Item]:
    """The file's non-blank records as mapped rows; a ragged record is rejected."""
    width = len(mapping.headers)
    own = opts.own_format
    esc = csvfile.ESCAPED_SECOND
    apply = colmap.apply
    trailing = sources.source(opts.source_format).trailing_field
    try:
        for line, cells in src.records():
            if len(cells) != width:
                if not "".join(cells).strip():
                    continue
                if trailing and len(cells) == width + 1 and cells[-1] == "":
                    cells.pop()  # Thunderbird: one more (empty) field than the header
                elif len(cells) == 1 and FOOTERS.match(cells[0]):
                    continue  # a report's footer (Salesforce)
                else:
                    yield (
                        line,
                        Rejected(
                            f"has {len(cells)} fields, the header has {width} (a ragged row)",
                            cells,
                        ),
                    )
                    continue
            if not "".join(cells).strip():
                continue
            raw = cells
            if own:  # csvfile.unescape, inline: it runs for every cell
                cells = [c[1:] if c[:1] == "'" and c[1:2] in esc else c for c in cells]
            row = apply(mapping, cells)
            row.raw = raw
            yield line, row
    except UnicodeDecodeError as exc:
        raise Invalid(
            f"{src.path} is not {src.encoding} ({exc.reason}); try --encoding cp1252"
        ) from exc


def _import_json(
    store, kind, path, dry_run, on_duplicate, actor, progress, skip_bad, out
) -> ImportResult:
    """termcrm's own JSON export (an array of records) read back; keys it does not know
    (derived ones such as `due_date`) are ignored. Bad records are reported by number."""
    data = jsonfile.read_array(path)
    targets = set(colmap.ALIASES[kind])
    keys = sorted({k for r in data for k in r})
    result = ImportResult(
        kind=kind,
        path=str(path),
        source_format="termcrm JSON",
        encoding="utf-8",
        delimiter="",
        mapping=[(k, k if k in targets else "ignored") for k in keys],
        dry_run=dry_run,
        skip_bad=skip_bad,
    )
    opts = Options(
        on_duplicate=on_duplicate,
        actor=actor,
        own_format=True,
        columns={k for k in keys if k in targets},
    )
    rows = jsonfile.rows(data, targets, with_fields=kind in ("contacts", "companies"))
    sink = csvfile.Rejects(out, None) if out else None
    return run_import(store, kind, rows, result, opts, progress=progress, rejects=sink)


def _import_vcard(
    store, path, dry_run, on_duplicate, actor, encoding, skip_bad, out
) -> ImportResult:
    plan = vcard.Plan()
    enc, cards = vcard.read(path, encoding=encoding, actor=actor, plan=plan)
    result = ImportResult(
        kind="contacts",
        path=str(path),
        source_format="vCard",
        encoding=enc,
        delimiter="",
        dry_run=dry_run,
        skip_bad=skip_bad,
        properties=plan,
    )
    opts = Options(
        on_duplicate=on_duplicate, actor=actor, columns=set(vcard.COLUMNS), name_parts=True
    )
    sink = csvfile.Rejects(out, None) if out else None
    try:
        return run_import(store, "contacts", cards, result, opts, rejects=sink)
    finally:  # where each property went, known once every card was read
        result.mapping = plan.describe()
        result.source_format = plan.format


__all__ = ["ImportFailed", "ImportResult", "import_file", "run_import"]
