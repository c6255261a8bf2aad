"""`termcrm interactions`: the log of calls, emails, meetings... across contacts."""

from __future__ import annotations

from typing import Annotated

import typer

from termcrm.cli._context import state
from termcrm.cli._options import ContactOpt, CsvOpt, JsonOpt, LimitOpt, SinceOpt, UntilOpt
from termcrm.cli._output import out

TABLE_LIMIT = 50


def interactions(
    contact: ContactOpt = None,
    kind: Annotated[str | None, typer.Option("--kind", "-k", help="Only this kind.")] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    by: Annotated[str | None, typer.Option("--by", help="Only those logged by this user.")] = None,
    limit: LimitOpt = None,
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
) -> None:
    """List interactions, newest first (the table shows 50 unless --limit; JSON/CSV all).

    Example: crm interactions --contact ada --since 30d --kind call
    """
    from termcrm import dates
    from termcrm.services import interactions, records, refs

    table = not (json_ or csv_)
    cap = limit if limit is not None else (TABLE_LIMIT + 1 if table else None)
    with state().store().read() as s:
        person = refs.contact(s, contact) if contact else None
        rows = interactions.list_interactions(
            s, contact=person, kind=kind, since=since, until=until, logged_by=by, limit=cap
        )
    if json_ or csv_:
        data = [records.interaction(i, contact_name=name) for i, name in rows]
        out.json(data) if json_ else out.csv(data)
        return
    more = limit is None and len(rows) > TABLE_LIMIT
    rows = rows[:TABLE_LIMIT] if more else rows
    out.table(
        ("ID", "When", "Kind", "Contact", "Summary", "Dir", "Min", "Outcome"),
        [
            (
                i.id,
                dates.show(i.occurred_at),
                i.kind if not i.metric else f"{i.metric} {i.score}",
                name,
                i.summary,
                i.direction,
                i.duration_min,
                i.outcome,
            )
            for i, name in rows
        ],
        empty="No interactions match.",
        justify={"ID": "right", "Min": "right"},
    )
    if more:
        out.hint(f"Showing the newest {TABLE_LIMIT}; use --limit N, --since or --json for more.")


def register(root: typer.Typer) -> None:
    root.command("interactions")(interactions)
