"""`termcrm deal ...` and `termcrm pipeline`."""

from __future__ import annotations

from typing import Annotated

import typer

from termcrm.cli._context import state
from termcrm.cli._options import (
    CompanyOpt,
    CsvOpt,
    DealStageOpt,
    EditOpt,
    IdOnlyOpt,
    JsonOpt,
    LimitOpt,
    MineOpt,
    NotesOpt,
    OwnerFilterOpt,
    OwnerOpt,
    YesOpt,
)
from termcrm.cli._output import confirm_delete, out

app = typer.Typer(
    help="Deals in the pipeline: add, list, show, edit, move, won, lost, delete.",
    no_args_is_help=True,
)

DealArg = Annotated[str, typer.Argument(help="Deal id.")]
ValueOpt = Annotated[str | None, typer.Option("--value", "-v", help="Amount, e.g. 12000 or 99.50.")]
CurrencyOpt = Annotated[str | None, typer.Option("--currency", help="3-letter code (default EUR).")]
ProbabilityOpt = Annotated[
    str | None, typer.Option("--probability", help="Chance to win in percent (default: by stage).")
]
CloseOpt = Annotated[
    str | None, typer.Option("--close", help="Expected close date: ISO, 'eom', 'in 3 weeks'...")
]


def _done(row, json_: bool, message: str) -> None:
    from termcrm.services import records

    if json_:
        out.json(records.deal(row.deal, contact_name=row.contact, company_name=row.company))
    else:
        out.ok(message)


@app.command("add")
def add(
    title: Annotated[str, typer.Argument(help="What is being sold.")],
    contact: Annotated[
        str, typer.Option("--contact", "-c", help="Contact: id, exact email, or unique name part.")
    ],
    value: Annotated[str, typer.Option("--value", "-v", help="Amount, e.g. 12000 or 99.50.")],
    company: CompanyOpt = None,
    currency: CurrencyOpt = None,
    stage: DealStageOpt = None,
    probability: ProbabilityOpt = None,
    close: CloseOpt = None,
    owner: OwnerOpt = None,
    notes: NotesOpt = None,
    edit_: EditOpt = False,
    quiet: IdOnlyOpt = False,
    json_: JsonOpt = False,
) -> None:
    """Add a deal for a contact (`--edit` writes its notes in $EDITOR; `-q` prints its id).

    Example: crm deal add "Renewal 2027" --contact ada --value 12000 --close eom
    """
    from termcrm.cli._editor import long_text
    from termcrm.services import deals, refs

    notes = long_text(notes, edit_it=edit_, what="the notes on this deal", context=title)
    st = state()
    with st.store().write() as s:
        person = refs.contact(s, contact)
        deal = deals.add_deal(
            s,
            title,
            contact=person,
            value=value,
            currency=currency,
            company=company,
            stage=stage,
            probability=probability,
            close=close,
            owner=owner,
            actor=st.actor,
            notes=notes,
        )
        row = deals.deal_row(s, deal)
    if quiet and not json_:
        out.line(str(deal.id))
        return
    _done(row, json_, f"Added deal #{deal.id} {deal.title} ({deal.stage})")


@app.command("list")
def list_(
    stage: DealStageOpt = None,
    owner: OwnerFilterOpt = None,
    mine: MineOpt = False,
    open_: Annotated[bool, typer.Option("--open", help="Only open deals.")] = False,
    won: Annotated[bool, typer.Option("--won", help="Only won deals.")] = False,
    lost: Annotated[bool, typer.Option("--lost", help="Only lost deals.")] = False,
    contact: Annotated[
        str | None, typer.Option("--contact", "-c", help="Only this contact's.")
    ] = None,
    limit: LimitOpt = None,
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
) -> None:
    """List deals: open ones by expected close date, then closed ones newest first.

    Example: crm deal list --open --owner sam --json
    """
    from termcrm.errors import Invalid
    from termcrm.services import deals, records, refs

    if sum((open_, won, lost)) > 1:
        raise Invalid("Use only one of --open, --won, --lost")
    status = "open" if open_ else "won" if won else "lost" if lost else None
    with state().store().read() as s:
        person = refs.contact(s, contact) if contact else None
        rows = deals.list_deals(
            s,
            stage=stage,
            status=status,
            owner=state().owner_filter(owner, mine),
            contact=person,
            limit=limit,
        )
    data = [records.deal(r.deal, contact_name=r.contact, company_name=r.company) for r in rows]
    if json_:
        out.json(data)
    elif csv_:
        out.csv(data)
    else:
        out.table(
            ("ID", "Title", "Contact", "Company", "Value", "Stage", "Prob", "Close", "Owner"),
            [
                (
                    d["id"],
                    d["title"],
                    d["contact"],
                    d["company"],
                    f"{d['value']} {d['currency']}",
                    d["stage"],
                    f"{deals.effective_probability(r.deal)}%",
                    d["expected_close"] or (d["closed_at"] or "")[:10],
                    d["owner"],
                )
                for d, r in zip(data, rows, strict=True)
            ],
            empty="No deals match.",
            justify={"ID": "right", "Value": "right", "Prob": "right"},
        )


@app.command("show")
def show(deal: DealArg, json_: JsonOpt = False) -> None:
    """Show one deal with its stage history.

    Example: crm deal show 12
    """
    from termcrm import dates
    from termcrm.services import deals, records, refs

    with state().store().read() as s:
        record = refs.deal(s, deal)
        row = deals.deal_row(s, record)
        history = deals.history(s, record)
    data = records.deal_with_history(row, history)
    if json_:
        out.json(data)
        return
    out.line(f"#{record.id} {record.title}")
    for label, key in (
        ("Contact", "contact"), ("Company", "company"), ("Stage", "stage"),
        ("Expected close", "expected_close"), ("Closed", "closed_at"),
        ("Lost reason", "lost_reason"), ("Owner", "owner"), ("Notes", "notes"),
    ):  # fmt: skip
        if data[key]:
            out.line(f"  {label}: {data[key]}")
    out.line(
        f"  Value: {data['value']} {data['currency']}"
        f" ({deals.effective_probability(record)}% likely)"
    )
    out.line("  History:")
    for h in history:
        out.line(f"    {dates.show(h.changed_at)}  {h.from_stage or '(new)'} -> {h.to_stage}")


@app.command("edit")
def edit(
    deal: DealArg,
    title: Annotated[str | None, typer.Option("--title", help="New title.")] = None,
    value: ValueOpt = None,
    currency: CurrencyOpt = None,
    probability: ProbabilityOpt = None,
    close: CloseOpt = None,
    owner: OwnerOpt = None,
    contact: Annotated[
        str | None, typer.Option("--contact", "-c", help="Move to this contact.")
    ] = None,
    company: CompanyOpt = None,
    notes: NotesOpt = None,
    edit_: EditOpt = False,
    json_: JsonOpt = False,
) -> None:
    """Change a deal's title, value, probability, close date, owner, contact or notes
    (`--edit` opens the notes in $EDITOR).

    Example: crm deal edit 12 --value 15000 --close 2027-01-31
    """
    from termcrm.cli._editor import current_text
    from termcrm.services import deals, refs

    notes = current_text(
        notes,
        edit_it=edit_,
        what="the notes on this deal",
        read=lambda s: ((r := refs.deal(s, deal)).notes, f"#{r.id} {r.title}"),
    )
    with state().store().write() as s:
        record = refs.deal(s, deal)
        person = refs.contact(s, contact) if contact else None
        deals.edit_deal(
            s, record, title=title, value=value, currency=currency, probability=probability,
            close=close, owner=owner, contact=person, company=company, notes=notes,
        )  # fmt: skip
        row = deals.deal_row(s, record)
    _done(row, json_, f"Updated deal #{record.id} {record.title}")


def _move(deal: str, stage: str, reason: str | None, json_: bool) -> None:
    from termcrm.services import deals, refs

    st = state()
    with st.store().write() as s:
        record = refs.deal(s, deal)
        changed = deals.move_deal(s, record, stage, reason=reason, actor=st.actor)
        row = deals.deal_row(s, record)
    if changed:
        message = f"Deal #{record.id} {record.title} is now {record.stage}"
    else:
        message = f"Deal #{record.id} {record.title} is already {record.stage}"
    _done(row, json_, message)


@app.command("move")
def move(
    deal: DealArg,
    stage: Annotated[str, typer.Argument(help="lead|qualified|proposal|negotiation|won|lost")],
    json_: JsonOpt = False,
) -> None:
    """Move a deal to another stage (won/lost close it; an open stage reopens it).

    Example: crm deal move 12 proposal
    """
    _move(deal, stage, None, json_)


@app.command("won")
def won(deal: DealArg, json_: JsonOpt = False) -> None:
    """Mark a deal won.

    Example: crm deal won 12
    """
    _move(deal, "won", None, json_)


@app.command("lost")
def lost(
    deal: DealArg,
    reason: Annotated[str | None, typer.Option("--reason", "-r", help="Why it was lost.")] = None,
    json_: JsonOpt = False,
) -> None:
    """Mark a deal lost, optionally with the reason.

    Example: crm deal lost 12 --reason "went with a competitor"
    """
    _move(deal, "lost", reason, json_)


def pipeline(owner: OwnerFilterOpt = None, mine: MineOpt = False, json_: JsonOpt = False) -> None:
    """The pipeline board: one column per stage with count, total and weighted value.

    Won and lost show the deals closed in the last 30 days.

    Example: crm pipeline --owner sam
    """
    from termcrm.services import board as boards
    from termcrm.services import records

    with state().store().read() as s:
        board = boards.pipeline(s, owner=state().owner_filter(owner, mine))
    if json_:
        out.json(records.pipeline(board))
        return
    from termcrm.render.money import totals
    from termcrm.render.pipeline import board as render_board

    if out.is_tty:
        out.print(render_board(board))
    out.table(
        ("Stage", "Deals", "Total", "Weighted"),
        [(c.stage, c.count, totals(c.total), totals(c.weighted)) for c in board.columns],
        justify={"Deals": "right", "Total": "right", "Weighted": "right"},
    )
    out.line(f"Open pipeline: {totals(board.open_total)}")


def register(root: typer.Typer) -> None:
    """Top-level commands of this module (`pipeline`)."""
    root.command("pipeline")(pipeline)


@app.command("delete")
def delete(deal: DealArg, yes: YesOpt = False) -> None:
    """Delete a deal with its stage history and its tasks.

    Example: crm deal delete 12 --yes
    """
    from termcrm.services import deals, refs

    with state().store().write() as s:
        record = refs.deal(s, deal)
        label = f"#{record.id} {record.title}"
        confirm_delete(f"Delete deal {label} with its tasks?", yes)
        tasks = deals.task_count(s, record)
        entry = deals.delete_deal(s, record, actor=state().actor)
    gone = f" and its {tasks} task{'s' if tasks != 1 else ''}" if tasks else ""
    out.ok(f"Deleted deal {label}{gone}")
    out.trashed(entry.id)
