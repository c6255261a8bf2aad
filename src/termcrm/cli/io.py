"""`termcrm import ...` and `termcrm export ...`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from termcrm.cli._context import state
from termcrm.cli._filters import OwnerFilterOpt, contact_filters
from termcrm.cli._options import JsonOpt, MineOpt
from termcrm.cli._output import NeutralStream, out

import_app = typer.Typer(help="Import records from CSV or vCard files.", no_args_is_help=True)
export_app = typer.Typer(
    help="Export records as CSV, JSON, vCard or iCalendar.", no_args_is_help=True
)

FileArg = Annotated[Path, typer.Argument(help="The CSV (or .vcf for contacts) file to read.")]
MapOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        "-m",
        help="SOURCE_COLUMN=FIELD (repeatable); FIELD 'field:NAME' for a custom field, "
        "nothing to ignore the column.",
    ),
]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Show the mapping and the report; write nothing.")
]
OnDuplicateOpt = Annotated[
    str,
    typer.Option(
        "--on-duplicate",
        help="A row matching an existing record: skip, update (overwrite from the file) or error.",
    ),
]
EncodingOpt = Annotated[
    str | None,
    typer.Option("--encoding", help="File encoding (default: detected; utf-8 or cp1252)."),
]
DelimiterOpt = Annotated[
    str | None,
    typer.Option(
        "--delimiter", "-d", help="Field delimiter: ',', ';' or 'tab' (default: detected)."
    ),
]
SkipBadOpt = Annotated[
    bool,
    typer.Option(
        "--skip-bad",
        help="Import the good rows and write the bad ones to --rejects (default: all or nothing).",
    ),
]
RejectsOpt = Annotated[
    Path | None,
    typer.Option(
        "--rejects",
        help="With --skip-bad: the CSV for the bad rows (default NAME.rejects.csv beside the "
        "file; mode 0600), with 'line' and 'error' columns.",
    ),
]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to FILE (mode 0600) instead of stdout.")
]

#: Files larger than this get a progress bar on a terminal.
PROGRESS_BYTES = 2 * 1024 * 1024


def _progress_for(path: Path):
    """A rich progress bar on stderr when it is a terminal and the file is big; else None."""
    try:
        size = path.stat().st_size
    except OSError:
        return None, None
    if not sys.stderr.isatty() or size < PROGRESS_BYTES:
        return None, None
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    bar = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=Console(file=sys.stderr),
        transient=True,
    )
    from rich.markup import escape

    from termcrm.render.safe import clean

    task = bar.add_task(f"Importing {escape(clean(path.name))}", total=size)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return bar, update


def _report_bad(result) -> None:
    """Bad rows grouped by reason (most frequent first, at most 20 reasons); the reasons
    quote cells of the file, so they go out neutralised (`out.hint`)."""
    groups, rest = result.grouped()
    for reason, n, lines in groups:
        if n == 1:
            out.hint(f"  {lines}: {reason}")
        else:
            out.hint(f"  {n} rows: {reason}, {lines}")
    if rest:
        out.hint(f"  ... and {rest} more bad rows (--json lists every row)")


def _report_skips(result, most: int = 50) -> None:
    """The rows a dry run skips as duplicates, one line each: why, and what they match."""
    if not result.skips:
        return
    out.ok("Skipped as duplicates:")
    for skip in result.skips[:most]:
        out.ok(f"  line {skip.line}: {skip.reason}")
    rest = result.skipped - min(most, len(result.skips))
    if rest:
        out.ok(f"  ... and {rest} more (--json lists every skipped row)")


def _print_mapping(result) -> None:
    if result.properties is not None:
        _print_properties(result)
        return
    delim = {"\t": "tab", "": "-"}.get(result.delimiter, result.delimiter)
    out.ok(f"File: {result.path} ({result.source_format}, {result.encoding}, delimiter {delim!r})")
    out.ok("Columns:")
    width = max((len(c) for c, _ in result.mapping), default=0)
    for column, where in result.mapping:
        out.ok(f"  {column.ljust(width)}  ->  {where}")


def _print_properties(result) -> None:
    """A vCard file: where each property goes (cards that have it), and what is dropped."""
    n = result.rows
    out.ok(
        f"File: {result.path} ({result.source_format}, {result.encoding}, {n} card{'s' * (n != 1)})"
    )
    out.ok("Properties (cards that have them):")
    rows = [(f"{p['property']} ({p['cards']})", p) for p in result.properties.rows()]
    width = max((len(label) for label, _ in rows), default=0)
    for (label, _p), (_prop, where) in zip(rows, result.mapping, strict=False):
        out.ok(f"  {label.ljust(width)}  ->  {where}")
    if not rows:
        out.ok("  (none: no card could be read)")


def _dropped_note(result) -> None:
    """After a vCard import: what was not kept (PHOTO...), so nothing goes without a word."""
    if result.properties is None:
        return
    for prop, cards, why in result.properties.dropped():
        out.hint(f"Note: {prop} not imported ({cards} card{'s' * (cards != 1)}): {why}")


def _summary(result) -> str:
    counts = f"{result.created} created, {result.updated} updated, {result.skipped} skipped"
    text = f"would be {counts}" if result.dry_run else counts
    if result.companies_created:
        n = result.companies_created
        text += f"; {n} new compan{'ies' if n != 1 else 'y'}"
    if result.hidden:
        text += f"; {result.hidden} hidden (LinkedIn members who hide their details)"
    if result.skip_bad and result.bad_total:
        n = result.bad_total
        where = f" written to {result.rejects}" if result.rejects else ""
        text += f"; {n} bad row{'s' if n != 1 else ''}{where}"
    return text


def _run_import(
    kind: str,
    file: Path,
    map_: list[str] | None,
    dry_run: bool,
    on_duplicate: str,
    encoding: str | None,
    delimiter: str | None,
    json_: bool,
    skip_bad: bool = False,
    rejects: Path | None = None,
) -> None:
    from termcrm.services.transfer import pipeline

    st = state()
    bar, update = _progress_for(file)
    try:
        if bar is not None:
            bar.start()
        result = pipeline.import_file(
            st.store(),
            kind,
            file,
            overrides=map_ or (),
            dry_run=dry_run,
            on_duplicate=on_duplicate,
            encoding=encoding,
            delimiter=delimiter,
            actor=st.actor,
            progress=update,
            skip_bad=skip_bad,
            rejects=rejects,
        )
    except pipeline.ImportFailed as exc:
        if bar is not None:
            bar.stop()
        result = exc.result
        if json_:
            out.json(result.as_dict())
        elif dry_run:
            _print_mapping(result)
        if result.properties is not None and result.bad_total == 1:
            # one bad card: one line that names it (the reason quotes the file: neutralised)
            bad = result.bad[0]
            out.error(f"{file}, line {bad.line}: {bad.reason}; nothing was imported")
        else:
            out.error(exc.message)
            _report_bad(result)
        raise typer.Exit(2) from None
    finally:
        if bar is not None:
            bar.stop()
    if json_:
        out.json(result.as_dict())
    elif dry_run:
        _print_mapping(result)
        _report_skips(result)
        out.ok(f"Dry run, nothing was written: {_summary(result)}.")
    else:
        out.ok(f"Imported {kind} from {file}: {_summary(result)}.")
        _dropped_note(result)
    if result.skip_bad and result.bad_total and not json_:
        _report_bad(result)
    if result.likely_duplicates and not json_:
        n = result.likely_duplicates
        out.hint(
            f"Warning: {n} new contact{'s' if n != 1 else ''} share{'s' if n == 1 else ''} the "
            "name or phone of an existing one; review with 'termcrm contact dupes', "
            "merge with 'termcrm contact merge KEEP OTHER'"
        )


def _import_command(kind: str, example: str):
    def command(
        file: FileArg,
        map_: MapOpt = None,
        dry_run: DryRunOpt = False,
        on_duplicate: OnDuplicateOpt = "skip",
        encoding: EncodingOpt = None,
        delimiter: DelimiterOpt = None,
        skip_bad: SkipBadOpt = False,
        rejects: RejectsOpt = None,
        json_: JsonOpt = False,
    ) -> None:
        _run_import(
            kind, file, map_, dry_run, on_duplicate, encoding, delimiter, json_, skip_bad, rejects
        )

    command.__doc__ = (
        f"Import {kind} from a CSV file{' or vCard (.vcf)' if kind == 'contacts' else ''}; "
        f"all or nothing.\n\nExample: {example}"
    )
    command.__name__ = f"import_{kind}"
    return command


_IMPORT_EXAMPLES = {
    "contacts": "crm import contacts google.csv --dry-run",
    "companies": "crm import companies companies.csv --on-duplicate update",
    "interactions": "crm import interactions calls.csv --map Date=occurred_at",
    "deals": "crm import deals deals.csv --map Amount=value",
    "tasks": "crm import tasks tasks.csv",
    "cases": "crm import cases cases.csv",
}

for _kind, _example in _IMPORT_EXAMPLES.items():
    import_app.command(_kind)(_import_command(_kind, _example))


# -- export -------------------------------------------------------------------------------------

FORMAT_HELP = "csv (default), json, vcf (contacts) or ics (open tasks)."


def _run_export(
    kind: str,
    fmt: str,
    output: Path | None,
    owner: str | None = None,
    mine: bool = False,
    as_events: bool = False,
    query=None,
) -> None:
    from termcrm.services.transfer import export
    from termcrm.services.transfer.formats.csv import open_private

    fmt = fmt.strip().lower()
    st = state()
    who = st.owner_filter(owner, mine)
    with st.store().read() as s:
        if output is None:
            # a file keeps the exact text; a terminal is shown it neutralised
            stream = NeutralStream(sys.stdout) if out.is_tty else sys.stdout
            export.export(s, kind, stream, fmt, owner=who, as_events=as_events, query=query)
            return
        fh = open_private(output)
        try:
            n = export.export(s, kind, fh, fmt, owner=who, as_events=as_events, query=query)
        finally:
            fh.close()
    out.hint(f"Exported {n} {kind} to {output}")


def _export_command(kind: str, example: str):
    def command(
        fmt: Annotated[str, typer.Option("--format", "-F", help=FORMAT_HELP)] = "csv",
        output: OutputOpt = None,
        owner: OwnerFilterOpt = None,
        mine: MineOpt = False,
    ) -> None:
        _run_export(kind, fmt, output, owner, mine)

    if kind == "tasks":

        def command(  # to-dos by default; events for calendars that ignore to-dos
            fmt: Annotated[str, typer.Option("--format", "-F", help=FORMAT_HELP)] = "csv",
            output: OutputOpt = None,
            owner: OwnerFilterOpt = None,
            mine: MineOpt = False,
            as_events: Annotated[
                bool,
                typer.Option(
                    "--as-events", help="With --format ics: events instead of to-dos (VTODO)."
                ),
            ] = False,
        ) -> None:
            if as_events and fmt.strip().lower() != "ics":
                from termcrm.errors import Invalid

                raise Invalid("--as-events goes with --format ics")
            _run_export(kind, fmt, output, owner, mine, as_events)

    formats = (
        "csv, json" + (", vcf" if kind == "contacts" else "") + (", ics" if kind == "tasks" else "")
    )
    command.__doc__ = f"Export all {kind} ({formats}).\n\nExample: {example}"
    command.__name__ = f"export_{kind}"
    return command


_EXPORT_EXAMPLES = {
    "contacts": "crm export contacts --format vcf -o contacts.vcf",
    "companies": "crm export companies -o companies.csv",
    "interactions": "crm export interactions --format json",
    "deals": "crm export deals -o deals.csv",
    "tasks": "crm export tasks --format ics -o tasks.ics",
    "cases": "crm export cases --format json -o cases.json",
}

for _kind, _example in _EXPORT_EXAMPLES.items():
    if _kind != "contacts":
        export_app.command(_kind)(_export_command(_kind, _example))


@export_app.command("contacts")
@contact_filters()
def export_contacts(
    fmt: Annotated[str, typer.Option("--format", "-F", help=FORMAT_HELP)] = "csv",
    output: OutputOpt = None,
    query=None,
) -> None:
    """Export contacts (csv, json, vcf); the contact list's filters or --segment keep some.

    Example: crm export contacts --segment newsletter --consent marketing -o mailing.csv
    """
    filtered = query != type(query)()
    _run_export("contacts", fmt, output, query=query if filtered else None)
