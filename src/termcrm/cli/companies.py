"""`termcrm company ...`: the organisations contacts and deals belong to."""

from __future__ import annotations

from typing import Annotated

import typer

from termcrm.cli._context import state
from termcrm.cli._options import (
    AddTagOpt,
    CsvOpt,
    EditOpt,
    FieldOpt,
    JsonOpt,
    LimitOpt,
    MineOpt,
    NotesOpt,
    OwnerFilterOpt,
    OwnerOpt,
    RemoveTagOpt,
    TagOpt,
    YesOpt,
)
from termcrm.cli._output import confirm_delete, out

app = typer.Typer(help="Companies: add, list, show, edit, delete.", no_args_is_help=True)

CompanyArg = Annotated[str, typer.Argument(help="Company: id or exact name.")]
DomainOpt = Annotated[
    str | None,
    typer.Option("--domain", "--website", help="Website or web domain, e.g. example.com."),
]
IndustryOpt = Annotated[str | None, typer.Option("--industry", help="Industry.")]


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Company name (unique).")],
    domain: DomainOpt = None,
    industry: IndustryOpt = None,
    owner: OwnerOpt = None,
    tag: TagOpt = None,
    field: FieldOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Add a company (yours unless --owner names someone else), with tags and custom fields.

    Example: crm company add "Analytical Engines Ltd" --domain analytical.example --tag partner
    """
    from termcrm.services import companies, records

    st = state()
    with st.store().write() as s:
        company = companies.add_company(
            s,
            name,
            domain=domain,
            industry=industry,
            owner=owner,
            tags=tag or (),
            fields=field or (),
            actor=st.actor,
        )
        data = records.company(companies.view(s, company))
    if json_:
        out.json(data)
    else:
        out.ok(f"Added company #{company.id} {company.name}")


@app.command("list")
def list_(
    search: Annotated[
        str | None, typer.Option("--search", "-s", help="Text in the name (any case or accent).")
    ] = None,
    tag: Annotated[
        list[str] | None,
        typer.Option("--tag", "-t", help="Has this tag (repeatable: all of them)."),
    ] = None,
    owner: OwnerFilterOpt = None,
    mine: MineOpt = False,
    limit: LimitOpt = None,
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
) -> None:
    """List companies with their number of contacts and open deals.

    Example: crm company list --search engines --tag partner
    """
    from termcrm.services import companies, records

    st = state()
    who = st.owner_filter(owner, mine)
    with st.store().read() as s:
        rows = [
            records.company(x)
            for x in companies.list_companies(
                s, search=search, owner=who, tags=tag or (), limit=limit
            )
        ]
    if json_:
        out.json(rows)
    elif csv_:
        out.csv(rows)
    else:
        out.table(
            ("ID", "Name", "Domain", "Industry", "Tags", "Contacts", "Open deals"),
            [
                (
                    r["id"],
                    r["name"],
                    r["domain"],
                    r["industry"],
                    ", ".join(r["tags"]),
                    r["contacts"],
                    r["open_deals"],
                )
                for r in rows
            ],
            empty="No companies yet.",
            justify={"ID": "right", "Contacts": "right", "Open deals": "right"},
        )


@app.command("show")
def show(company: CompanyArg, json_: JsonOpt = False) -> None:
    """Show a company with its contacts.

    Example: crm company show "Analytical Engines Ltd"
    """
    from termcrm.services import companies, contacts, records

    with state().store().read() as s:
        record = companies.resolve_company(s, company)
        people = [contacts.view(s, c) for c in companies.company_contacts(s, record)]
        data = records.company(companies.view(s, record))
    data["people"] = [records.contact(v) for v in people]
    if json_:
        out.json(data)
        return
    out.line(f"{record.name}  (#{record.id})")
    for label, key in (("Domain", "domain"), ("Industry", "industry")):
        if data[key]:
            out.line(f"  {label}: {data[key]}")
    if data["tags"]:
        out.line(f"  Tags: {', '.join(data['tags'])}")
    for key, value in data["fields"].items():
        out.line(f"  {key}: {value}")
    if data["notes"]:
        out.line(f"  Notes: {data['notes']}")
    out.line("")
    out.table(
        ("ID", "Name", "Email", "Title", "Stage"),
        [(p["id"], p["name"], p["email"], p["title"], p["stage"]) for p in data["people"]],
        title="Contacts",
        empty="No contacts at this company yet.",
    )


@app.command("edit")
def edit(
    company: CompanyArg,
    name: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    domain: DomainOpt = None,
    industry: IndustryOpt = None,
    owner: Annotated[
        str | None, typer.Option("--owner", help="Hand it to another team member.")
    ] = None,
    tag: AddTagOpt = None,
    untag: RemoveTagOpt = None,
    field: FieldOpt = None,
    notes: NotesOpt = None,
    edit_: EditOpt = False,
    json_: JsonOpt = False,
) -> None:
    """Change a company's name, website, industry, notes, owner, tags or custom fields
    (`--edit` opens the notes in $EDITOR); `""` clears a field, `--field KEY=` removes one.

    Example: crm company edit "Analytical Engines" --website analytical.example --add-tag partner
    """
    from termcrm.cli._editor import current_text
    from termcrm.services import companies, records

    notes = current_text(
        notes,
        edit_it=edit_,
        what="the notes on this company",
        read=lambda s: ((r := companies.resolve_company(s, company)).notes, f"#{r.id} {r.name}"),
    )
    with state().store().write() as s:
        record = companies.resolve_company(s, company)
        companies.edit_company(
            s,
            record,
            name=name,
            domain=domain,
            industry=industry,
            notes=notes,
            owner=owner,
            add_tags=tag or (),
            remove_tags=untag or (),
            fields=field or (),
        )
        data = records.company(companies.view(s, record))
    if json_:
        out.json(data)
    else:
        out.ok(f"Updated company #{record.id} {record.name}")


@app.command("delete")
def delete(company: CompanyArg, yes: YesOpt = False) -> None:
    """Delete a company. Its contacts and deals are kept, without a company.

    Example: crm company delete "Analytical Engines" --yes
    """
    from termcrm.services import companies

    with state().store().write() as s:
        record = companies.resolve_company(s, company)
        label = f"#{record.id} {record.name}"
        people, deals = companies.dependants(s, record)
        confirm_delete(
            f"Delete company {label}? Its {people} contact(s) stay, without a company.", yes
        )
        entry = companies.delete_company(s, record, actor=state().actor)
    out.ok(
        f"Deleted company {label}; its {people} contact(s) and {deals} deal(s) "
        "are kept without a company"
    )
    out.trashed(entry.id)
