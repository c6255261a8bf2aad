"""The daily agenda (`termcrm today`) as rich renderables."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from termcrm import dates
from termcrm.services import records, tasks
from termcrm.services.agenda import Agenda

MORE = "… and {n} more"


def _heading(title: str, count: int, style: str) -> Text:
    return Text.assemble((title, f"bold {style}"), (f" ({count})", "dim"))


def _grid(*justify: str) -> Table:
    grid = Table.grid(padding=(0, 2))
    for j in justify:
        grid.add_column(justify=j, overflow="fold")
    return grid


def _task_rows(agenda: Agenda, items, *, late: bool) -> Table:
    grid = _grid("right", "left", "left", "left")
    for t in items:
        when = tasks.lateness(t, agenda.now) if late else tasks.when_due(t, agenda.now)
        if not late and t.due_at is not None:
            when = dates.show(t.due_at, with_time=t.due_has_time) + f" ({when})"
        grid.add_row(
            Text(f"#{t.id}", style="dim"),
            Text(t.title, style="bold" if t.priority == "high" else ""),
            Text(agenda.contact_name(t.contact_id) or "", style="cyan"),
            Text(when, style="red" if late else ""),
        )
    return grid


def _deal_rows(agenda: Agenda) -> Table:
    grid = _grid("right", "left", "left", "right", "left")
    for d in agenda.deals_closing:
        days = (d.expected_close - agenda.today).days
        if days < 0:
            when = Text(f"{-days} day{'s' if days != -1 else ''} past close", style="red")
        else:
            when = Text(f"closes {dates.humanize_delta(days)}")
        grid.add_row(
            Text(f"#{d.id}", style="dim"),
            d.title,
            Text(agenda.contact_name(d.contact_id) or "", style="cyan"),
            f"{records.money(d.value_minor)} {d.currency}",
            when,
        )
    return grid


def _cold_rows(agenda: Agenda) -> Table:
    grid = _grid("right", "left", "left", "left")
    for c in agenda.going_cold:
        last = "no interaction yet" if c.last_interaction_at is None else "last touch"
        grid.add_row(
            Text(f"#{c.contact.id}", style="dim"),
            Text(c.contact.name, style="cyan"),
            c.contact.stage,
            f"{last} {c.days_since} days ago (every {c.cadence_days} days)",
        )
    return grid


def agenda_view(agenda: Agenda) -> RenderableType:
    """Title plus one block per non-empty section; a calm line when nothing is due."""
    day = agenda.today.strftime("%A %d %B %Y")
    who = f" · {agenda.owner}" if agenda.owner else ""
    parts: list[RenderableType] = [Text(f"Today · {day}{who}", style="bold")]
    if agenda.empty:
        parts.append(Text("Nothing due. No deal closing, nobody going cold.", style="green"))
        return Group(*parts)
    sections = (
        ("Overdue", "overdue", "red", lambda: _task_rows(agenda, agenda.overdue, late=True)),
        ("Due today", "due_today", "yellow", lambda: _task_rows(agenda, agenda.due_today, late=False)),
        ("Next 7 days", "next_7_days", "blue", lambda: _task_rows(agenda, agenda.next_7_days, late=False)),
        ("Deals closing", "deals_closing", "magenta", lambda: _deal_rows(agenda)),
        ("Going cold", "going_cold", "cyan", lambda: _cold_rows(agenda)),
    )  # fmt: skip
    for title, key, style, rows in sections:
        count = agenda.counts.get(key, 0)
        if not count:
            continue
        parts += [Text(""), _heading(title, count, style), rows()]
        shown = len(getattr(agenda, key))
        if count > shown:
            parts.append(Text(MORE.format(n=count - shown), style="dim"))
    return Group(*parts)
