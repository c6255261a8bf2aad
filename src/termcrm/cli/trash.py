"""`termcrm trash ...`: deleted records, restorable for a while (see docs/trash.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from termcrm.cli._context import state
from termcrm.cli._options import JsonOpt, YesOpt
from termcrm.cli._output import out

app = typer.Typer(
    help="Deleted records: list, restore, empty (kept 30 days by default).", no_args_is_help=True
)


@app.command("list")
def list_(json_: JsonOpt = False) -> None:
    """List what is in the trash, newest first.

    Example: crm trash list
    """
    from termcrm.dates import iso, show
    from termcrm.services import trash

    with state().store().read() as s:
        items = trash.list_trash(s)
    rows = [
        {
            "id": i.id,
            "kind": i.kind,
            "record_id": i.record_id,
            "label": i.label,
            "deleted_at": iso(i.deleted_at),
            "deleted_by": i.deleted_by,
            "expires_at": iso(i.expires_at),
            "rows": i.rows,
        }
        for i in items
    ]
    if json_:
        out.json(rows)
        return
    out.table(
        ("ID", "Kind", "Record", "Deleted", "By", "Expires"),
        [
            (
                i.id,
                i.kind,
                i.label,
                show(i.deleted_at),
                i.deleted_by,
                show(i.expires_at, with_time=False),
            )
            for i in items
        ],
        empty="The trash is empty.",
        justify={"ID": "right"},
    )


@app.command("restore")
def restore(
    trash_id: Annotated[int, typer.Argument(help="The trash entry's ID (see 'trash list').")],
) -> None:
    """Put a deleted record back, with its id and what hung on it.

    Example: crm trash restore 3
    """
    from termcrm.services import trash

    with state().store().write() as s:
        done = trash.restore(s, trash_id)
    out.ok(f"Restored {done.kind} {done.label}")
    if done.new_id != done.old_id:
        out.hint(f"Its id #{done.old_id} was taken meanwhile: it is #{done.new_id} now")


@app.command("empty")
def empty(
    older_than: Annotated[
        str | None,
        typer.Option("--older-than", help="Only what was deleted before this: '7d', ISO date..."),
    ] = None,
    yes: YesOpt = False,
) -> None:
    """Remove deleted records for good.

    Example: crm trash empty --older-than 7d --yes
    """
    from termcrm import dates
    from termcrm.services import trash

    before = dates.parse_when(older_than, backwards=True).at if older_than else None
    with state().store().write() as s:
        n = trash.count(s, before)
        if n == 0:
            out.ok("Nothing to remove.")
            return
        what = f"{n} trash entr{'ies' if n != 1 else 'y'}"
        if not yes and not typer.confirm(f"Remove {what} for good?"):
            out.hint("Nothing removed.")
            raise typer.Exit(1)
        trash.empty(s, before)
    out.ok(f"Removed {what} for good.")
