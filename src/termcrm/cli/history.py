"""`termcrm history`: who created, changed or deleted what, and when (the audit trail)."""

from __future__ import annotations

from typing import Annotated

import typer

from termcrm.cli._context import state
from termcrm.cli._options import JsonOpt, LimitOpt, SinceOpt
from termcrm.cli._output import out

IdOpt = Annotated[int | None, typer.Option(min=1, help="Only this record's history.")]


def history(
    contact: Annotated[
        str | None,
        typer.Argument(help="Only this contact and its deals, tasks, cases and interactions."),
    ] = None,
    deal: Annotated[int | None, typer.Option("--deal", min=1, help="Only this deal.")] = None,
    task: Annotated[int | None, typer.Option("--task", min=1, help="Only this task.")] = None,
    case: Annotated[int | None, typer.Option("--case", min=1, help="Only this case.")] = None,
    user: Annotated[str | None, typer.Option("--user", help="Only changes by this user.")] = None,
    since: SinceOpt = None,
    limit: LimitOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Show the audit trail, newest first: who changed which record, when, from what to what.

    Example: crm history --deal 12
    """
    from termcrm import dates
    from termcrm.services import audit

    query = audit.query_for(contact=contact, deal=deal, task=task, case=case)
    start = dates.parse_when(since, backwards=True).at if since else None
    with state().store().read() as s:
        found = audit.history(s, **query.resolve(s), user=user, since=start, limit=limit)
    if json_:
        out.json([c.to_dict() for c in found])
        return
    out.table(
        ("When", "User", "Action", "Record", "Changes"),
        [
            (dates.show(c.entry.at), c.entry.actor, c.entry.action, c.record, c.summary)
            for c in found
        ],
        empty="No changes recorded.",
    )


def register(root: typer.Typer) -> None:
    root.command("history")(history)
