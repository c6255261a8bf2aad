"""`termcrm case ...`: customer service cases."""

from __future__ import annotations

from typing import Annotated

import typer

from termcrm.cli._context import state
from termcrm.cli._options import (
    ContactArg,
    ContactOpt,
    CsvOpt,
    EditOpt,
    IdOnlyOpt,
    JsonOpt,
    MineOpt,
    NotesOpt,
    OwnerFilterOpt,
    OwnerOpt,
    WhenOpt,
    YesOpt,
)
from termcrm.cli._output import out
from termcrm.vocab import CASE_PRIORITIES

app = typer.Typer(help="Service cases: complaints and support requests.", no_args_is_help=True)

CaseArg = Annotated[str, typer.Argument(help="Case id.")]
PriorityOpt = Annotated[
    str | None, typer.Option("--priority", help=f"{'|'.join(CASE_PRIORITIES)} (default normal).")
]


def _record(v) -> dict:
    from termcrm.services import records

    return records.case(v.case, contact_name=v.contact_name)


def _change(case: str, done: str, change, json_: bool) -> None:
    """`case edit/resolve/reopen`: `change(session, case)` in one write, then the case as
    JSON or "<done> case #3: <subject>"."""
    from termcrm.services import cases, refs

    with state().store().write() as s:
        record = change(s, refs.case(s, case))
        data = _record(cases.view(s, record))
    if json_:
        out.json(data)
    else:
        out.ok(f"{done} case #{record.id}: {record.subject}")


@app.command("open")
def open_(
    contact: ContactArg,
    subject: Annotated[str, typer.Argument(help="What the case is about.")],
    priority: PriorityOpt = None,
    owner: OwnerOpt = None,
    when: WhenOpt = None,
    notes: NotesOpt = None,
    edit_: EditOpt = False,
    quiet: IdOnlyOpt = False,
    json_: JsonOpt = False,
) -> None:
    """Open a service case (a complaint or support request) for a contact; `--notes` or
    `--edit` ($EDITOR) describe it at length.

    Example: crm case open ada "Invoice shows the wrong VAT" --priority high
    """
    from termcrm.cli._editor import long_text
    from termcrm.services import cases, refs

    notes = long_text(notes, edit_it=edit_, what="the description of this case", context=subject)
    st = state()
    with st.store().write() as s:
        person = refs.contact(s, contact)
        case = cases.open_case(
            s,
            person,
            subject,
            priority=priority,
            owner=owner,
            when=when,
            actor=st.actor,
            notes=notes,
        )
        record = _record(cases.view(s, case))
    if json_:
        out.json(record)
    elif quiet:
        out.line(str(case.id))
    else:
        out.ok(f"Opened case #{case.id} for {person.name}: {case.subject}")


@app.command("list")
def list_(
    open_: Annotated[bool, typer.Option("--open", help="Only open cases.")] = False,
    resolved: Annotated[bool, typer.Option("--resolved", help="Only resolved cases.")] = False,
    owner: OwnerFilterOpt = None,
    mine: MineOpt = False,
    contact: ContactOpt = None,
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
) -> None:
    """List service cases (all of them unless --open or --resolved).

    Example: crm case list --open --owner alice
    """
    from termcrm.services import cases, refs

    status = cases.check_status_filter(open_, resolved)
    with state().store().read() as s:
        person = refs.contact(s, contact) if contact else None
        rows = [
            _record(v)
            for v in cases.list_cases(
                s, status=status, owner=state().owner_filter(owner, mine), contact=person
            )
        ]
    if json_:
        out.json(rows)
    elif csv_:
        out.csv(rows)
    else:
        from termcrm.dates import show

        out.table(
            ("ID", "Opened", "Contact", "Subject", "Priority", "Status", "Owner"),
            [
                (
                    r["id"],
                    show(_dt(r["opened_at"]), with_time=False),
                    r["contact"],
                    r["subject"],
                    r["priority"],
                    r["status"],
                    r["owner"],
                )
                for r in rows
            ],
            empty="No cases match.",
            justify={"ID": "right"},
        )


def _dt(value: str | None):
    from datetime import datetime

    return datetime.fromisoformat(value) if value else None


@app.command("show")
def show(case: CaseArg, json_: JsonOpt = False) -> None:
    """Show one service case.

    Example: crm case show 3
    """
    from termcrm.services import cases, refs

    with state().store().read() as s:
        record = _record(cases.view(s, refs.case(s, case)))
    if json_:
        out.json(record)
        return
    from termcrm.dates import show as show_dt

    out.line(f"Case #{record['id']}: {record['subject']}")
    rows = [
        ("Contact", f"{record['contact']} (#{record['contact_id']})"),
        ("Status", record["status"]),
        ("Priority", record["priority"]),
        ("Owner", record["owner"]),
        ("Opened", show_dt(_dt(record["opened_at"]))),
        ("Resolved", show_dt(_dt(record["resolved_at"]))),
        ("Notes", record["notes"]),
        ("Note", record["resolution_note"]),
    ]
    for label, value in rows:
        if value:
            out.line(f"  {label + ':':<10}{value}")


@app.command("resolve")
def resolve(
    case: CaseArg,
    note: Annotated[
        str | None,
        typer.Option("--note", help="How it was resolved ('-' reads standard input)."),
    ] = None,
    edit_: EditOpt = False,
    json_: JsonOpt = False,
) -> None:
    """Mark a case resolved (now), with an optional note (`--edit` writes it in $EDITOR).

    Example: crm case resolve 3 --note "Credit note sent"
    """
    from termcrm.cli._editor import long_text
    from termcrm.services import cases

    note = long_text(note, edit_it=edit_, what="how the case was resolved", context=f"case {case}")
    _change(case, "Resolved", lambda s, c: cases.resolve_case(s, c, note=note), json_)


@app.command("reopen")
def reopen(case: CaseArg, json_: JsonOpt = False) -> None:
    """Open a resolved case again.

    Example: crm case reopen 3
    """
    from termcrm.services import cases

    _change(case, "Reopened", cases.reopen_case, json_)


@app.command("edit")
def edit(
    case: CaseArg,
    subject: Annotated[str | None, typer.Option("--subject", help="New subject.")] = None,
    priority: PriorityOpt = None,
    owner: Annotated[
        str | None, typer.Option("--owner", help="Team member responsible ('' clears).")
    ] = None,
    notes: NotesOpt = None,
    edit_: EditOpt = False,
    json_: JsonOpt = False,
) -> None:
    """Change a case's subject, priority, owner or description (`--edit`: in $EDITOR).

    Example: crm case edit 3 --priority urgent --owner grace
    """
    from termcrm.cli._editor import current_text
    from termcrm.services import cases, refs

    notes = current_text(
        notes,
        edit_it=edit_,
        what="the description of this case",
        read=lambda s: ((r := refs.case(s, case)).notes, f"case #{r.id} {r.subject}"),
    )
    _change(
        case,
        "Updated",
        lambda s, c: cases.edit_case(
            s, c, subject=subject, priority=priority, owner=owner, notes=notes
        ),
        json_,
    )


@app.command("delete")
def delete(case: CaseArg, yes: YesOpt = False) -> None:
    """Delete a case (it stays in the trash for a while).

    Example: crm case delete 3 --yes
    """
    from termcrm.services import cases, refs

    st = state()
    with st.store().write() as s:
        record = refs.case(s, case)
        label = f"#{record.id} {record.subject}"
        if not yes and not typer.confirm(f"Delete case {label}?"):
            out.hint("Nothing deleted.")
            raise typer.Exit(1)
        entry = cases.delete_case(s, record, actor=st.actor)
    out.ok(f"Deleted case {label}")
    out.trashed(entry.id)
