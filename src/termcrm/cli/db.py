"""`termcrm db ...`: schema migrations, integrity checks and backups."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from termcrm.cli._context import state
from termcrm.cli._options import JsonOpt, YesOpt
from termcrm.cli._output import out

app = typer.Typer(help="The database: upgrade, check, backup, restore, copy.", no_args_is_help=True)


@app.command("upgrade")
def upgrade() -> None:
    """Show and apply pending schema migrations (commands also do this on their own).

    Example: crm db upgrade
    """
    from termcrm.store import engine

    st = state()
    store = engine.open_store(st.db, migrate=False)
    try:
        pending = engine.pending_migrations(store)
        if not pending:
            engine.ensure_schema(store)  # refuses a newer schema with a clear error
            out.ok(f"{store.display_name} is at the newest schema ({engine.HEAD}).")
            return
        for rev, doc in pending:
            out.ok(f"Applying {rev}: {doc.strip().splitlines()[0] if doc else ''}")
        engine.upgrade(store)
        out.ok(f"{store.display_name} upgraded to schema {engine.HEAD}.")
    finally:
        store.close()


@app.command("check")
def check(json_: JsonOpt = False) -> None:
    """Check the database: integrity, references, and that the schema is the newest.

    Example: crm db check
    """
    from termcrm.services import maintenance

    st = state()
    report = maintenance.check(st.db)
    if json_:
        out.json(report)
    else:
        out.ok(f"Database: {report['database']}")
        out.ok(f"Schema:   {report['revision']} (newest: {report['head']})")
        for problem in report["problems"]:
            out.ok(f"Problem:  {problem}")
        if report["ok"]:
            out.ok("OK")
    if not report["ok"]:
        raise typer.Exit(1)


@app.command("backup")
def backup(path: Annotated[Path, typer.Argument(help="New file to write the copy to.")]) -> None:
    """Back the database up to a new file (mode 0600), even while others write.

    SQLite: a consistent copy of the file. PostgreSQL: pg_dump's custom format (pg_dump
    must be on PATH; the password goes through the environment, never the command line).

    Example: crm db backup ~/crm-2026-11-22.db
    """
    from termcrm.services import maintenance

    maintenance.backup(state().store(), path)
    out.ok(f"Backed up to {path}")


@app.command("restore")
def restore(
    path: Annotated[Path, typer.Argument(help="A file made by `termcrm db backup`.")],
    yes: YesOpt = False,
) -> None:
    """Replace everything in the database with a backup made by `db backup`.

    Example: crm db restore ~/crm-2026-11-22.db --yes
    """
    from termcrm.services import maintenance

    store = state().store()
    if not yes and not typer.confirm(f"Replace everything in {store.display_name} with {path}?"):
        raise typer.Abort()
    maintenance.restore(store, path)
    out.ok(f"Restored {store.display_name} from {path}")


@app.command("copy")
def copy(
    to: Annotated[
        str, typer.Option("--to", help="The target: a SQLite file path or a database URL.")
    ],
    replace: Annotated[
        bool, typer.Option("--replace", help="Overwrite a target that holds data.")
    ] = False,
    json_: JsonOpt = False,
) -> None:
    """Copy the whole CRM to another database (SQLite ↔ PostgreSQL), ids and history kept;
    each table's row count and checksum are compared at the end.

    Example: crm db copy --to postgresql+psycopg://crm@db.example/crm
    """
    import sys

    from termcrm.paths import redact_url
    from termcrm.services import dbcopy

    source = state().store()
    if sys.stderr.isatty() and not json_:
        from rich.console import Console
        from rich.progress import Progress

        with Progress(console=Console(stderr=True), transient=True) as bar:
            tasks: dict[str, int] = {}

            def show(table: str, done: int, total: int) -> None:
                if table not in tasks:
                    tasks[table] = bar.add_task(table, total=total or 1)
                bar.update(tasks[table], completed=done if total else 1)

            copied = dbcopy.copy(source, to, replace=replace, progress=show)
    else:
        copied = dbcopy.copy(source, to, replace=replace)
    if json_:
        out.json([t.to_dict() for t in copied])
        return
    out.table(
        ("Table", "Rows", "Checksum"),
        [(t.table, t.rows, t.checksum) for t in copied],
        justify={"Rows": "right"},
    )
    out.ok(f"Copied {sum(t.rows for t in copied)} rows to {redact_url(to)}; every table matches.")
