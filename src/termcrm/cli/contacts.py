"""`termcrm contact ...`: add, list, show, edit and delete contacts."""

from __future__ import annotations

from typing import Annotated

import typer

from termcrm.cli._context import state
from termcrm.cli._filters import contact_filters
from termcrm.cli._options import (
    AddTagOpt,
    CompanyOpt,
    ContactArg,
    ContactStageOpt,
    CsvOpt,
    EditOpt,
    FieldOpt,
    JsonOpt,
    LimitOpt,
    NotesOpt,
    OwnerOpt,
    RemoveTagOpt,
    TagOpt,
    YesOpt,
)
from termcrm.cli._output import out

app = typer.Typer(help="People you work with: add, list, show, edit, delete.", no_args_is_help=True)

EmailOpt = Annotated[str | None, typer.Option("--email", "-e", help="Email address (unique).")]
PhoneOpt = Annotated[str | None, typer.Option("--phone", "-p", help="Phone, kept as typed.")]
TitleOpt = Annotated[str | None, typer.Option("--title", help="Job title.")]
SourceOpt = Annotated[str | None, typer.Option("--source", help="Where the contact came from.")]
CadenceOpt = Annotated[
    str | None,
    typer.Option(
        "--cadence",
        help="Stay in touch every N days ('30d', '6w', '0' = never); '' = the stage default.",
    ),
]

FirstOpt = Annotated[
    str | None, typer.Option("--first", "--given", help="First (given) name, for vCard's N.")
]
MiddleOpt = Annotated[str | None, typer.Option("--middle", help="Middle (additional) name.")]
LastOpt = Annotated[
    str | None, typer.Option("--last", "--family", help="Last (family) name, for vCard's N.")
]
PrefixOpt = Annotated[str | None, typer.Option("--prefix", help="Name prefix: Dr., Mrs.")]
SuffixOpt = Annotated[str | None, typer.Option("--suffix", help="Name suffix: II, Jr., PhD.")]

COLUMNS = ("id", "name", "email", "phone", "company", "stage", "owner", "tags")


def _parts(first, middle, last, prefix, suffix) -> dict[str, str | None]:
    """The name's parts as typed (None: not given; "" clears one on edit)."""
    return {
        "first_name": first,
        "middle_name": middle,
        "last_name": last,
        "name_prefix": prefix,
        "name_suffix": suffix,
    }


@app.command("add")
def add(
    name: Annotated[
        str | None,
        typer.Argument(help="Display name; made from --first/--last... when not given."),
    ] = None,
    email: EmailOpt = None,
    phone: PhoneOpt = None,
    company: CompanyOpt = None,
    title: TitleOpt = None,
    tag: TagOpt = None,
    stage: ContactStageOpt = None,
    source: SourceOpt = None,
    owner: OwnerOpt = None,
    field: FieldOpt = None,
    notes: NotesOpt = None,
    cadence: CadenceOpt = None,
    first: FirstOpt = None,
    middle: MiddleOpt = None,
    last: LastOpt = None,
    prefix: PrefixOpt = None,
    suffix: SuffixOpt = None,
    edit_: EditOpt = False,
    json_: JsonOpt = False,
) -> None:
    """Add a contact (`--edit` writes the notes in $EDITOR); the name's parts are kept for
    address books (`--first Mark --last Schröder --prefix Dr.`).

    Example: crm contact add "Ada Lovelace" --email ada@example.com --company "Analytical Ltd" --tag vip
    """
    from termcrm.cli._editor import long_text
    from termcrm.errors import Invalid
    from termcrm.services import contacts, dupes, records

    parts = _parts(first, middle, last, prefix, suffix)
    if not any((v or "").strip() for v in (name, email, company, phone, *parts.values())):
        raise Invalid(
            "Missing argument 'NAME' (or give the name's parts: --first, --last; or an "
            "--email, --company or --phone to name the contact by)"
        )
    notes = long_text(notes, edit_it=edit_, what="the notes on this contact", context=name)
    st = state()
    with st.store().write() as s:
        contact = contacts.add_contact(
            s,
            name,
            email=email,
            phone=phone,
            company=company,
            title=title,
            tags=tag or (),
            stage=stage,
            source=source,
            owner=owner,
            notes=notes,
            fields=field or (),
            cadence_days=cadence or None,
            parts=parts,
            actor=st.actor,
        )
        view = contacts.view(s, contact)
        lookalikes = dupes.lookalikes(s, contact)
    if json_:
        out.json(records.contact(view))
    else:
        out.ok(f"Added contact #{contact.id} {contact.name}")
    warn_lookalikes(contact.id, lookalikes)


def warn_lookalikes(new_id: int, lookalikes) -> None:
    """`contact add`'s warning (stderr, exit 0) that the new contact may be a duplicate."""
    for other in lookalikes:
        out.hint(
            f"Warning: #{other.id} {other.name} exists already ({other.reason}); "
            f"if they are one person: termcrm contact merge {other.id} {new_id}"
        )


@app.command("list")
@contact_filters()
def list_(
    query,
    limit: LimitOpt = None,
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
) -> None:
    """List contacts, filtered and searched (the filters: docs/segments.md).

    Example: crm contact list --search lovelace --stage customer --json
    """
    from termcrm.services import contacts

    with state().store().read() as s:
        views = contacts.list_contacts(s, query, limit=limit)
    print_contacts(views, json_=json_, csv_=csv_)


def print_contacts(views, *, json_: bool = False, csv_: bool = False) -> None:
    """Contacts as a table, JSON or CSV (`contact list`, `segment show`)."""
    from termcrm.services import records

    rows = [records.contact(v) for v in views]
    if json_:
        out.json(rows)
    elif csv_:
        out.csv(rows)
    else:
        out.table(
            ("ID", "Name", "Email", "Phone", "Company", "Stage", "Owner", "Tags"),
            [[r[c] if c != "tags" else ", ".join(r[c]) for c in COLUMNS] for r in rows],
            empty="No contacts match.",
            justify={"ID": "right"},
        )


@app.command("show")
def show(contact: ContactArg, json_: JsonOpt = False) -> None:
    """Show a contact's profile and timeline (interactions, deals, tasks), newest first.

    Example: crm contact show ada
    """
    from termcrm.services import refs, timeline

    with state().store().read() as s:
        record = refs.contact(s, contact)
        detail = timeline.contact_detail(s, record)
    if json_:
        out.json(timeline.detail_record(detail))
        return
    from termcrm.render.contacts import contact_card

    out.print(contact_card(detail))


@app.command("edit")
def edit(
    contact: Annotated[
        str | None,
        typer.Argument(help="Contact: id, exact email, or a unique part of the name."),
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="New full name.")] = None,
    email: EmailOpt = None,
    phone: PhoneOpt = None,
    company: CompanyOpt = None,
    title: TitleOpt = None,
    tag: AddTagOpt = None,
    untag: RemoveTagOpt = None,
    stage: ContactStageOpt = None,
    source: SourceOpt = None,
    owner: OwnerOpt = None,
    field: FieldOpt = None,
    notes: NotesOpt = None,
    cadence: CadenceOpt = None,
    first: FirstOpt = None,
    middle: MiddleOpt = None,
    last: LastOpt = None,
    prefix: PrefixOpt = None,
    suffix: SuffixOpt = None,
    edit_: EditOpt = False,
    consent: Annotated[
        list[str] | None,
        typer.Option("--consent", help="KIND=yes|no, e.g. marketing=yes (dated; repeatable)."),
    ] = None,
    segment: Annotated[
        str | None,
        typer.Option("--segment", help="Change every member of this segment (asks first)."),
    ] = None,
    yes: YesOpt = False,
    json_: JsonOpt = False,
) -> None:
    """Change a contact, or every member of a segment; only the options given change.
    `--email ""` clears an email; `--edit` opens the notes in $EDITOR. A display name made
    from the name's parts follows them (`--last King`: "Ada Lovelace" becomes "Ada King").

    Example: crm contact edit --segment cold-leads --add-tag nurture --owner sam
    """
    from termcrm.cli._editor import current_text
    from termcrm.services import contacts, privacy, records, refs, segments

    parts = _parts(first, middle, last, prefix, suffix)
    segments.check_bulk(
        contact, segment, name=name, email=email, phone=phone, notes=notes, first=first,
        middle=middle, last=last, prefix=prefix, suffix=suffix,
    )  # fmt: skip
    if segment is None:
        notes = current_text(
            notes,
            edit_it=edit_,
            what="the notes on this contact",
            read=lambda s: ((r := refs.contact(s, contact)).notes, f"#{r.id} {r.name}"),
        )
    st = state()
    answers = [privacy.parse_consent(c) for c in consent or ()]
    changes = {
        "company": company,
        "title": title,
        "stage": stage,
        "source": source,
        "owner": owner,
        "add_tags": tag or (),
        "remove_tags": untag or (),
        "fields": field or (),
    }
    if cadence is not None:
        changes["cadence_days"] = cadence
    with st.store().write() as s:
        if segment is not None:
            group, people = segments.members(s, segment)
            question = f"Change {len(people)} contacts in segment {group.name}?"
            if people and not yes and not typer.confirm(question):
                out.hint("Nothing changed.")
                raise typer.Exit(1)
        else:
            people = [refs.contact(s, contact)]
            changes.update(name=name, phone=phone, notes=notes, parts=parts)
            if email is not None:
                changes["email"] = email
        for record in people:
            contacts.edit_contact(s, record, actor=st.actor, **changes)
            for kind, granted in answers:
                privacy.set_consent(s, record, kind, granted, st.actor)
        views = [contacts.view(s, r) for r in people]
    if json_:
        out.json([records.contact(v) for v in views] if segment else records.contact(views[0]))
    elif segment is not None:
        out.ok(f"Updated {len(people)} contacts in segment {group.name}")
    else:
        out.ok(f"Updated contact #{people[0].id} {people[0].name}")


@app.command("delete")
def delete(contact: ContactArg, yes: YesOpt = False) -> None:
    """Delete a contact with its interactions, tasks and cases (deals are kept).

    Example: crm contact delete 42 --yes
    """
    from termcrm.services import contacts, refs

    with state().store().write() as s:
        record = refs.contact(s, contact)
        label = f"#{record.id} {record.name}"
        if not yes and not typer.confirm(f"Delete contact {label} and its timeline?"):
            out.hint("Nothing deleted.")
            raise typer.Exit(1)
        entry = contacts.delete_contact(s, record, actor=state().actor)
    out.ok(f"Deleted contact {label}")
    out.trashed(entry.id)


from termcrm.cli import contact_data  # noqa: E402,F401  (dupes, merge, export-data, forget)
