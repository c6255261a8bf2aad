"""The daily agenda (`termcrm today`): rich on a terminal, plain aligned text when piped.

Both come from the same rows (`sections`), so they never disagree; the plain path skips rich's
layout engine, which keeps `today | grep` and scripts fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from termcrm import dates
from termcrm.render.money import amount
from termcrm.render.safe import clean
from termcrm.services import tasks
from termcrm.services.agenda import Agenda

Cell = tuple[str, str]  # text, rich style


@dataclass
class Section:
    title: str
    style: str
    count: int
    rows: list[list[Cell]] = field(default_factory=list)
    #: the count stopped at a cap (going cold is counted up to 1,000)
    capped: bool = False

    @property
    def more(self) -> int:
        return self.count - len(self.rows)

    @property
    def label(self) -> str:
        return f"{self.count}+" if self.capped else str(self.count)

    @property
    def more_text(self) -> str:
        return f"… and {self.more}{'+' if self.capped else ''} more"


def _task_rows(agenda: Agenda, items, *, late: bool) -> list[list[Cell]]:
    rows = []
    for t in items:
        when = tasks.lateness(t, agenda.now) if late else tasks.when_due(t, agenda.now)
        if not late and t.due_at is not None:
            when = dates.show(t.due_at, with_time=t.due_has_time) + f" ({when})"
        rows.append(
            [
                (f"#{t.id}", "dim"),
                (clean(t.title), "bold" if t.priority == "high" else ""),
                (clean(agenda.contact_name(t.contact_id)), "cyan"),
                (when, "red" if late else ""),
            ]
        )
    return rows


def _deal_rows(agenda: Agenda) -> list[list[Cell]]:
    rows = []
    for d in agenda.deals_closing:
        days = (d.expected_close - agenda.today).days
        if days < 0:
            when = (f"{-days} day{'s' if days != -1 else ''} past close", "red")
        else:
            when = (f"closes {dates.humanize_delta(days)}", "")
        rows.append(
            [
                (f"#{d.id}", "dim"),
                (clean(d.title), ""),
                (clean(agenda.contact_name(d.contact_id)), "cyan"),
                (clean(amount(d.value_minor, d.currency)), ""),
                when,
            ]
        )
    return rows


def _case_rows(agenda: Agenda) -> list[list[Cell]]:
    rows = []
    for c in agenda.open_cases:
        days = (agenda.today - dates.to_local(c.opened_at).date()).days
        rows.append(
            [
                (f"#{c.id}", "dim"),
                (clean(c.subject), "bold" if c.priority in ("high", "urgent") else ""),
                (clean(agenda.contact_name(c.contact_id)), "cyan"),
                (c.priority, "red" if c.priority == "urgent" else ""),
                (f"open {days} day{'s' if days != 1 else ''}" if days else "opened today", ""),
            ]
        )
    return rows


def _cold_rows(agenda: Agenda) -> list[list[Cell]]:
    rows = []
    for c in agenda.going_cold:
        last = "no interaction yet" if c.last_interaction_at is None else "last touch"
        rows.append(
            [
                (f"#{c.contact.id}", "dim"),
                (clean(c.contact.name), "cyan"),
                (clean(c.contact.stage), ""),
                (f"{last} {c.days_since} days ago (every {c.cadence_days} days)", ""),
            ]
        )
    return rows


def title(agenda: Agenda) -> str:
    who = f" · {clean(agenda.owner)}" if agenda.owner else ""
    return f"Today · {agenda.today.strftime('%A %d %B %Y')}{who}"


EMPTY = "Nothing due. No deal closing, no open case, nobody going cold."


def sections(agenda: Agenda) -> list[Section]:
    """The non-empty sections, in agenda order."""
    spec = (
        ("Overdue", "overdue", "red", lambda: _task_rows(agenda, agenda.overdue, late=True)),
        ("Due today", "due_today", "yellow", lambda: _task_rows(agenda, agenda.due_today, late=False)),
        ("Next 7 days", "next_7_days", "blue", lambda: _task_rows(agenda, agenda.next_7_days, late=False)),
        ("Deals closing", "deals_closing", "magenta", lambda: _deal_rows(agenda)),
        ("Open cases", "open_cases", "red", lambda: _case_rows(agenda)),
        ("Going cold", "going_cold", "cyan", lambda: _cold_rows(agenda)),
    )  # fmt: skip
    out = []
    for name, key, style, rows in spec:
        count = agenda.counts.get(key, 0)
        if count:
            capped = key == "going_cold" and count >= agenda.cold_cap
            out.append(Section(name, style, count, rows(), capped))
    return out


def plain_lines(agenda: Agenda) -> list[str]:
    """Stable plain text: a heading per section, columns aligned with two spaces."""
    lines = [title(agenda)]
    found = sections(agenda)
    if not found:
        return [*lines, EMPTY]
    for sec in found:
        lines += ["", f"{sec.title} ({sec.label})"]
        widths = [max(len(r[i][0]) for r in sec.rows) for i in range(len(sec.rows[0]))]
        for row in sec.rows:
            cells = [row[0][0].rjust(widths[0])]
            cells += [text.ljust(w) for (text, _), w in zip(row[1:], widths[1:], strict=True)]
            lines.append("  ".join(cells).rstrip())
        if sec.more > 0:
            lines.append(sec.more_text)
    return lines


def agenda_view(agenda: Agenda):
    """The rich renderable for a terminal."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    parts: list = [Text(title(agenda), style="bold")]
    found = sections(agenda)
    if not found:
        return Group(*parts, Text(EMPTY, style="green"))
    for sec in found:
        heading = Text.assemble((sec.title, f"bold {sec.style}"), (f" ({sec.label})", "dim"))
        grid = Table.grid(padding=(0, 2))
        for i in range(len(sec.rows[0])):
            grid.add_column(justify="right" if i == 0 else "left", overflow="fold")
        for row in sec.rows:
            grid.add_row(*(Text(text, style=style) for text, style in row))
        parts += [Text(""), heading, grid]
        if sec.more > 0:
            parts.append(Text(sec.more_text, style="dim"))
    return Group(*parts)
