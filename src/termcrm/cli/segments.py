"""`termcrm segment ...`: saved contact filters, evaluated whenever they are used."""

from __future__ import annotations

from typing import Annotated

import typer

from termcrm.cli._context import state
from termcrm.cli._filters import contact_filters
from termcrm.cli._options import CsvOpt, JsonOpt
from termcrm.cli._output import out

app = typer.Typer(
    help="Saved contact filters: save, list, show (members now), delete.", no_args_is_help=True
)

NameArg = Annotated[str, typer.Argument(help="The segment's name.")]


@app.command("save")
@contact_filters(mine=False, segment=False)
def save(name: NameArg, query) -> None:
    """Save contact filters under a name (replacing a segment of that name).

    Relative dates stay relative: a segment's members are evaluated when it is used.

    Example: crm segment save cold-leads --stage lead --contacted-before 60d
    """
    from termcrm.services import pager, segments

    st = state()
    with st.store().write() as s:
        saved = segments.save(s, name, query, actor=st.actor)
        n = pager.count(s, query)
    out.ok(f"Saved segment {saved.name}: {segments.describe(saved) or 'every contact'} ({n} now)")


@app.command("list")
def list_(json_: JsonOpt = False) -> None:
    """List the saved segments with their filters.

    Example: crm segment list
    """
    from termcrm.dates import iso
    from termcrm.services import segments

    with state().store().read() as s:
        rows = [
            {
                "name": g.name,
                "filters": segments.describe(g),
                "created_by": g.created_by,
                "updated_at": iso(g.updated_at),
            }
            for g in segments.list_segments(s)
        ]
    if json_:
        out.json(rows)
        return
    out.table(
        ("Name", "Filters", "By"),
        [(r["name"], r["filters"], r["created_by"]) for r in rows],
        empty="No segments saved yet.",
    )


@app.command("show")
def show(name: NameArg, json_: JsonOpt = False, csv_: CsvOpt = False) -> None:
    """Show a segment's members, evaluated now.

    Example: crm segment show cold-leads --csv > cold-leads.csv
    """
    from termcrm.cli.contacts import print_contacts
    from termcrm.services import contacts, segments

    with state().store().read() as s:
        segment = segments.get(s, name)
        views = contacts.list_contacts(s, segments.query_of(segment))
    print_contacts(views, json_=json_, csv_=csv_)
    if not json_ and not csv_:
        out.hint(f"{len(views)} contact(s) in {segment.name}: {segments.describe(segment)}")


@app.command("delete")
def delete(name: NameArg) -> None:
    """Delete a saved segment (its contacts are not touched).

    Example: crm segment delete cold-leads
    """
    from termcrm.services import segments

    with state().store().write() as s:
        gone = segments.delete(s, name)
    out.ok(f"Deleted segment {gone.name}")
