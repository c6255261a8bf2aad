"""`termcrm db ...`: schema migrations, integrity checks and backups."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from termcrm.cli._context import state
from termcrm.cli._options import JsonOpt
from termcrm.cli._output import out

app = typer.Typer(help="The database: upgrade, check, backup.", no_args_is_help=True)


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
    """Copy the SQLite database consistently, even while others write (file mode 0600).

    Example: crm db backup ~/crm-2026-11-22.db
    """
    from termcrm.services import maintenance

    maintenance.backup(state().store(), path)
    out.ok(f"Backed up to {path}")
