"""`termcrm contact dupes|merge`: clean data. (Registered on `contact`'s sub-app.)"""

from __future__ import annotations

from typing import Annotated

import typer

from termcrm.cli._context import state
from termcrm.cli._options import JsonOpt, YesOpt
from termcrm.cli._output import out
from termcrm.cli.contacts import app


@app.command("dupes")
def dupes(
    min_score: Annotated[
        int,
        typer.Option("--min-score", min=0, max=100, help="Only pairs scoring at least N (0-100)."),
    ] = 70,
    json_: JsonOpt = False,
) -> None:
    """List likely duplicate contacts, surest first, with the reasons.

    Same email (ignoring case, and Gmail's dots and +tags), same phone (E.164), or a
    similar name at the same company or with the same phone.

    Example: crm contact dupes --min-score 90
    """
    from termcrm.services import dupes as service

    with state().store().read() as s:
        pairs = service.find_duplicates(s, min_score=min_score)
    rows = [
        {
            "keep_id": p.a,
            "keep": p.a_name,
            "other_id": p.b,
            "other": p.b_name,
            "score": p.score,
            "reasons": list(p.reasons),
        }
        for p in pairs
    ]
    if json_:
        out.json(rows)
        return
    out.table(
        ("Score", "ID", "Name", "ID", "Name", "Why"),
        [
            (
                r["score"],
                r["keep_id"],
                r["keep"],
                r["other_id"],
                r["other"],
                "; ".join(r["reasons"]),
            )
            for r in rows
        ],
        empty="No likely duplicates.",
        justify={"Score": "right", "ID": "right"},
    )
    if rows:
        out.hint(f"Merge a pair: termcrm contact merge {rows[0]['keep_id']} {rows[0]['other_id']}")


@app.command("merge")
def merge(
    keep: Annotated[str, typer.Argument(help="The contact to keep: id, email or name.")],
    other: Annotated[str, typer.Argument(help="The contact merged into KEEP and deleted.")],
    prefer: Annotated[
        str,
        typer.Option("--prefer", help="Which value wins where both differ: keep|other."),
    ] = "keep",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would happen; change nothing.")
    ] = False,
    yes: YesOpt = False,
) -> None:
    """Merge OTHER into KEEP: its timeline, deals, tasks, cases, tags and fields move over.

    KEEP's empty fields are filled from OTHER; where both differ, --prefer decides (notes
    are combined). OTHER is deleted. One transaction.

    Example: crm contact merge 12 57 --prefer other --dry-run
    """
    from termcrm.services import merge as service
    from termcrm.services import refs

    st = state()
    with st.store().write() as s:
        kept = refs.contact(s, keep)
        merged = refs.contact(s, other)
        plan = service.plan_merge(s, kept, merged, prefer)
        _show_plan(plan)
        if dry_run:
            out.hint("Dry run: nothing was changed.")
            return
        if not yes and not typer.confirm(
            f"Merge #{merged.id} {merged.name} into #{kept.id} {kept.name}?"
        ):
            out.hint("Nothing merged.")
            raise typer.Exit(1)
        label = f"#{merged.id} {merged.name}"
        service.merge_contacts(s, kept, merged, prefer=prefer, actor=st.actor)
    out.ok(f"Merged contact {label} into #{kept.id} {kept.name}")


def _show_plan(plan) -> None:
    from termcrm.render.contacts import merge_plan_lines

    keep, other = plan.keep, plan.other
    out.line(f"Keep  #{keep.id} {keep.name}")
    out.line(f"Merge #{other.id} {other.name} (deleted after)")
    for line in merge_plan_lines(plan):
        out.line(f"  {line}")


@app.command("export-data")
def export_data(
    contact: Annotated[str, typer.Argument(help="Contact: id, exact email, or a unique name.")],
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="Write to this file (mode 0600).")
    ] = None,
) -> None:
    """Everything held about one person, as one JSON document (access and portability).

    Profile, consents, interactions, survey answers, deals, tasks, cases, stage history and
    what of theirs is in the trash.

    Example: crm contact export-data ada -o ada.json
    """
    import json

    from termcrm.services import privacy, refs
    from termcrm.services.transfer.formats.csv import open_private

    with state().store().read() as s:
        record = refs.contact(s, contact)
        data = privacy.export_data(s, record)
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        out.line(text.rstrip("\n"))
        return
    with open_private(output) as fh:
        fh.write(text)
    out.ok(f"Wrote everything about #{record.id} {record.name} to {output}")


@app.command("forget")
def forget(
    contact: Annotated[str, typer.Argument(help="Contact: id, exact email, or a unique name.")],
    yes: YesOpt = False,
) -> None:
    """Erase a person for good (bypassing the trash): see docs/privacy.md.

    Removes the contact with their interactions, tasks, cases, survey answers, consents and
    stage history; keeps their deals for the books, detached, with their name, email and
    phone taken out of the titles; removes them from the search index and makes the
    database files hold no copy.

    Example: crm contact forget 42 --yes
    """
    from termcrm.services import privacy, refs

    st = state()
    store = st.store()
    with store.write() as s:
        record = refs.contact(s, contact)
        if not yes and not typer.confirm(
            f"Erase #{record.id} {record.name} and everything about them for good? "
            "This cannot be undone"
        ):
            out.hint("Nothing erased.")
            raise typer.Exit(1)
        done = privacy.forget(s, record, actor=st.actor)
    left = store.scrub(privacy.TOUCHED_TABLES)
    removed = ", ".join(f"{n} {t.replace('_', ' ')}" for t, n in sorted(done.removed.items()))
    out.ok(f"Erased contact #{done.contact_id}" + (f": removed {removed}" if removed else ""))
    if done.deals_kept:
        out.ok(
            f"Kept {done.deals_kept} deal(s) without them "
            f"({done.deal_titles_redacted} title(s) redacted)"
        )
    if left:
        out.hint(f"Warning: {left}")
    out.hint(
        "Backups and exports made earlier (db backup files, exported CSV/JSON/vCard, "
        "PostgreSQL WAL archives and dumps) still hold their data: erase those separately."
    )
