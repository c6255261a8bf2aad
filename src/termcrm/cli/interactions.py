"""`termcrm interactions`: the log of calls, emails, meetings... across contacts; `edit ID` and
`delete ID` change or remove one entry."""

from __future__ import annotations

from typing import Annotated

import typer

from termcrm.cli._context import state
from termcrm.cli._options import (
    ContactOpt,
    CsvOpt,
    EditOpt,
    JsonOpt,
    LimitOpt,
    SinceOpt,
    UntilOpt,
    YesOpt,
)
from termcrm.cli._output import confirm_delete, out

TABLE_LIMIT = 50

app = typer.Typer(
    help="List interactions, newest first (the table shows 50 unless --limit; JSON/CSV all); "
    "`interactions edit ID` and `interactions delete ID` change or remove one.\n\n"
    "Example: crm interactions --contact ada --since 30d --kind call",
    invoke_without_command=True,
    no_args_is_help=False,
)
IdArg = Annotated[str, typer.Argument(help="Interaction id (as `interactions` lists it).")]


@app.callback(invoke_without_command=True)
def interactions(
    ctx: typer.Context,
    contact: ContactOpt = None,
    kind: Annotated[str | None, typer.Option("--kind", "-k", help="Only this kind.")] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    by: Annotated[str | None, typer.Option("--by", help="Only those logged by this user.")] = None,
    limit: LimitOpt = None,
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
) -> None:
    """List interactions, newest first (the table shows 50 unless --limit; JSON/CSV all);
    `interactions edit ID` and `interactions delete ID` change or remove one.

    Example: crm interactions --contact ada --since 30d --kind call
    """
    if ctx.invoked_subcommand is not None:
        return
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


@app.command("edit")
def edit(
    interaction: IdArg,
    summary: Annotated[str | None, typer.Option("--summary", help="New one-line summary.")] = None,
    kind: Annotated[str | None, typer.Option("--kind", "-k", help="call|email|meeting|...")] = None,
    when: Annotated[str | None, typer.Option("--when", "-w", help="When it happened.")] = None,
    body: Annotated[
        str | None, typer.Option("--body", "-b", help="Longer text ('-' reads standard input).")
    ] = None,
    direction: Annotated[
        str | None, typer.Option("--direction", "-d", help="in | out ('' clears).")
    ] = None,
    duration: Annotated[
        str | None, typer.Option("--duration", help="Length in minutes ('' clears).")
    ] = None,
    outcome: Annotated[str | None, typer.Option("--outcome", help="The result.")] = None,
    contact: Annotated[
        str | None, typer.Option("--contact", "-c", help="Move it to this contact.")
    ] = None,
    edit_: EditOpt = False,
    json_: JsonOpt = False,
) -> None:
    """Change a logged interaction; only the options given change (`--edit`: the body in
    $EDITOR).

    Example: crm interactions edit 42 --summary "Renewal talk, part 2" --duration 45
    """
    from termcrm.cli._editor import current_text
    from termcrm.services import interactions, records, refs

    body = current_text(
        body,
        edit_it=edit_,
        what="the body",
        read=lambda s: (
            (r := interactions.get_interaction(s, interaction)).body,
            f"#{r.id} {r.kind}: {r.summary}",
        ),
    )
    with state().store().write() as s:
        record = interactions.get_interaction(s, interaction)
        person = refs.contact(s, contact) if contact else None
        interactions.edit_interaction(
            s, record, kind=kind, summary=summary, when=when, body=body,
            direction=direction, duration=duration, outcome=outcome, contact=person,
        )  # fmt: skip
        name = refs.contact(s, record.contact_id).name
        data = records.interaction(record, contact_name=name)
    if json_:
        out.json(data)
    else:
        out.ok(f"Updated {record.kind} #{record.id} with {name}")


@app.command("delete")
def delete(interaction: IdArg, yes: YesOpt = False) -> None:
    """Delete a logged interaction (a follow-up task it created stays).

    Example: crm interactions delete 42 --yes
    """
    from termcrm.services import interactions

    with state().store().write() as s:
        record = interactions.get_interaction(s, interaction)
        label = f"{record.kind} #{record.id} {record.summary!r}"
        confirm_delete(f"Delete {label}?", yes)
        entry = interactions.delete_interaction(s, record, actor=state().actor)
    out.ok(f"Deleted {label}")
    out.trashed(entry.id)
