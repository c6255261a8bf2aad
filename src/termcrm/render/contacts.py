"""The contact card with its timeline."""

from __future__ import annotations

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from termcrm import dates
from termcrm.render.money import amount
from termcrm.render.safe import clean
from termcrm.render.safe import text as safe_text

KIND_ICONS = {
    "call": "☎",
    "email": "✉",
    "meeting": "◆",
    "note": "✎",
    "chat": "◌",
    "sms": "✆",
    "social": "@",
    "survey": "★",
}


#: the newest changes a contact card lists (`termcrm history CONTACT` shows them all)
CHANGES_SHOWN = 10


def consent_rows(consents) -> list[tuple[str, str]]:
    """`("marketing", "yes (since 2026-11-18)")`: each of the person's answers, worded as the
    CLI's card and the TUI's profile show them (`privacy.consents_of`'s dicts)."""
    return [
        (k["kind"], f"{'yes' if k['granted'] else 'no'} (since {(k['recorded_at'] or '')[:10]})")
        for k in consents
    ]


def profile_table(detail) -> Table:
    c = detail.view.contact
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    rows = [
        ("Prefix", c.name_prefix),
        ("First name", c.first_name),
        ("Middle name", c.middle_name),
        ("Last name", c.last_name),
        ("Suffix", c.name_suffix),
        ("Email", c.email),
        ("Phone", c.phone),
        ("Company", detail.view.company),
        ("Title", c.title),
        ("Stage", c.stage),
        ("Owner", c.owner),
        ("Source", c.source),
        ("Tags", ", ".join(detail.view.tags)),
        ("Cadence", f"every {c.cadence_days} days" if c.cadence_days else None),
    ]
    rows += list(detail.view.fields.items())
    rows += [(f"Consent {kind}", answer) for kind, answer in consent_rows(detail.consents)]
    rows.append(("Notes", c.notes))
    for label, value in rows:
        if value:
            multiline = label == "Notes"
            grid.add_row(safe_text(label), safe_text(value, multiline=multiline))
    return grid


def _entry_text(entry) -> Text:
    r = entry.record
    when = dates.show(entry.at)
    if entry.type == "interaction":
        icon = KIND_ICONS.get(r.kind, "•")
        extra = []
        if r.metric:
            extra.append(f"{r.metric.upper()} {r.score}")
        if r.direction:
            extra.append(r.direction)
        if r.duration_min:
            extra.append(f"{r.duration_min} min")
        if r.outcome:
            extra.append(r.outcome)
        line = Text.assemble(
            (f"{when}  ", "dim"), f"{icon} {clean(r.kind):<8} ", (clean(r.summary), "bold")
        )
        if extra:
            line.append(clean(f"  ({', '.join(extra)})"), style="dim")
        return line
    if entry.type == "deal":
        value = amount(r.value_minor, r.currency)
        return Text.assemble(
            (f"{when}  ", "dim"),
            "$ deal     ",
            (clean(r.title), "bold"),
            clean(f"  {value} · {r.stage}"),
        )
    if entry.type == "task":
        state = (
            "done"
            if r.done_at
            else (f"due {dates.show(r.due_at, with_time=r.due_has_time)}" if r.due_at else "open")
        )
        return Text.assemble(
            (f"{when}  ", "dim"), "☐ task     ", (clean(r.title), "bold"), f"  ({state})"
        )
    return Text.assemble(
        (f"{when}  ", "dim"),
        "! case     ",
        (clean(r.subject), "bold"),
        clean(f"  ({r.status}, {r.priority})"),
    )


def change_parts(change, contact_id: int) -> tuple[str, str, str, str]:
    """(when, who, what was done, the changed values) of one audit entry, neutralised: the
    CLI's card and the TUI's Changes tab word a change alike. What belongs to the contact is
    named (`created deal #4 Renewal`), the contact itself is not (`changed`)."""
    e = change.entry
    verb = {"create": "created", "change": "changed", "delete": "deleted"}.get(e.action, e.action)
    own = e.entity == "contact" and e.record_id == contact_id
    what = verb if own else f"{verb} {change.record}"
    values = change.summary if e.action == "change" else ""
    return dates.show(e.at), clean(e.actor) or "?", clean(what), clean(values)


def _change_text(change, contact_id: int) -> Text:
    """`2026-11-18 10:00  alice changed stage: lead → customer` (what belongs to the contact
    is named: `alice created deal #4 Renewal`)."""
    when, who, what, values = change_parts(change, contact_id)
    line = Text.assemble((f"{when}  ", "dim"), (who, "bold"), f" {what}")
    if values:
        line.append(f" {values}", style="dim")
    return line


def contact_card(detail) -> Group:
    c = detail.view.contact
    title = safe_text(f"{c.name}  #{c.id}")
    timeline = [_entry_text(e) for e in detail.timeline]
    changes = [_change_text(ch, c.id) for ch in detail.changes[:CHANGES_SHOWN]]
    body = Group(
        profile_table(detail),
        Text(""),
        Text("Timeline", style="bold underline"),
        *(timeline or [Text("Nothing logged yet.", style="dim")]),
        *([Text(""), Text("Changes", style="bold underline"), *changes] if changes else []),
    )
    return Group(Panel(body, title=title, title_align="left"))


_MOVED = {"contact_stage_changes": "stage history entries"}


def _merged_value(value) -> str:
    return "(empty)" if value is None or value == "" else str(value).replace("\n", " ")


def merge_plan_lines(plan) -> list[str]:
    """What a merge (`services.merge.MergePlan`) keeps, fills, empties and moves, a line
    each: `contact merge --dry-run` prints them, the TUI's confirmation asks with them."""
    lines = [f"{name}: empty, filled with {_merged_value(v)}" for name, v in plan.filled.items()]
    lines += [f"{name}: emptied (it was part of the name replaced)" for name in plan.cleared]
    lines += [
        f"{c.field}: {_merged_value(c.keep)} (keep) vs {_merged_value(c.other)} (other)"
        f" -> {_merged_value(c.value)}"
        for c in plan.conflicts
    ]
    if plan.notes_combined:
        lines.append("notes: both kept")
    if plan.tags:
        lines.append(f"tags added: {', '.join(plan.tags)}")
    lines += [f"field {key} moved" for key in plan.custom_fields]
    lines += [
        f"moves {n} {_MOVED.get(table, table.replace('_', ' '))}"
        for table, n in sorted(plan.moved.items())
    ]
    return lines
