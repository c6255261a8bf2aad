"""Screen 3: what needs doing: overdue, today, upcoming, deals closing, contacts going cold.

`d` marks the selected task done (a recurring one rolls forward), `s` snoozes it, enter
opens the contact. The sections are `services.agenda.build`'s, the ones `termcrm today`
prints.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Label

from termcrm import dates
from termcrm.render.money import amount
from termcrm.render.safe import text as safe_text
from termcrm.tui.screens.base import MINE_BINDING, DataScreen
from termcrm.tui.widgets.footer import CrmFooter
from termcrm.tui.widgets.table import CrmTable

#: (the Agenda attribute, the title shown)
SECTIONS = (("overdue", "Overdue"), ("due_today", "Today"), ("next_7_days", "Upcoming"))
ALL_SECTIONS = (*SECTIONS, ("deals_closing", "Deals closing"), ("going_cold", "Going cold"))


@dataclass
class Row:
    """One line of a section: its key ("task:ID:CONTACT"), and its cells."""

    key: str
    cells: tuple[str, ...]


@dataclass
class AgendaData:
    sections: dict[str, list[Row]]
    counts: dict[str, int]


def load_agenda(session, owner: str | None = None) -> AgendaData:
    """The agenda's sections, as `termcrm today [--owner U]` builds them
    (`services.agenda.build`), without the open cases, which this screen does not show."""
    from termcrm.services import agenda as agenda_service
    from termcrm.services import tasks as task_service

    shown = [name for name, _title in ALL_SECTIONS]
    built = agenda_service.build(session, owner=owner, sections=shown)
    sections: dict[str, list[Row]] = {}
    for name, _title in SECTIONS:
        rows = []
        for t in getattr(built, name):
            due = dates.show(t.due_at, with_time=t.due_has_time) if t.due_at else ""
            if task_service.is_overdue(t, built.now):
                when = task_service.lateness(t, built.now)
            else:
                when = task_service.when_due(t, built.now)
            repeat = f"↻ {t.recur}" if t.recur else ""
            rows.append(Row(
                f"task:{t.id}:{t.contact_id or 0}",
                (due, when, t.title, built.contact_name(t.contact_id) or "", repeat),
            ))  # fmt: skip
        sections[name] = rows
    sections["deals_closing"] = [
        Row(
            f"deal:{d.id}:{d.contact_id or 0}",
            (d.expected_close.isoformat(), d.title, built.contact_name(d.contact_id) or "",
             d.stage, amount(d.value_minor, d.currency)),
        )
        for d in built.deals_closing
    ]  # fmt: skip
    sections["going_cold"] = [
        Row(
            f"contact:{c.contact.id}:{c.contact.id}",
            (c.contact.name, f"{c.days_since} days quiet", f"every {c.cadence_days} days",
             c.contact.owner or ""),
        )
        for c in built.going_cold
    ]  # fmt: skip
    return AgendaData(sections, dict(built.counts))


class AgendaScreen(DataScreen):
    """Tasks by urgency and the contacts that went quiet."""

    BINDINGS = [
        Binding("d", "done", "Done", id="task.done", tooltip="Mark the selected task done"),
        Binding(
            "s",
            "snooze",
            "Snooze",
            id="task.snooze",
            tooltip="Move the selected task to a later date",
        ),
        Binding("n", "new_task", "New task", id="task.new", tooltip="Add a task"),
        Binding("e", "edit_task", "Edit", id="task.edit", tooltip="Edit the selected task"),
        MINE_BINDING,
        Binding(
            "enter",
            "open",
            "Open",
            id="agenda.open",
            show=False,
            tooltip="Open the contact of the selected row",
        ),
    ]

    LOAD_GROUP = "agenda"

    def compose(self) -> ComposeResult:
        self.reload()  # the query runs while the widgets mount
        yield Header()
        with VerticalScroll(id="agenda"):
            for key, title in ALL_SECTIONS:
                yield Label(title, classes="agenda-title", id=f"title-{key}")
                yield CrmTable(id=f"agenda-{key}", classes="agenda-table", cursor_type="row")
        yield CrmFooter()

    def on_mount(self) -> None:
        self.sub_title = self.titled("Agenda")
        for key, _ in SECTIONS:
            self.query_one(f"#agenda-{key}", DataTable).add_columns(
                "Due", "When", "Task", "Contact", ""
            )
        self.query_one("#agenda-deals_closing", DataTable).add_columns(
            "Close", "Deal", "Contact", "Stage", "Value"
        )
        self.query_one("#agenda-going_cold", DataTable).add_columns(
            "Contact", "Last touch", "Cadence", "Owner"
        )

    def loader(self):
        owner = self.mine_owner()
        return lambda session: load_agenda(session, owner)

    def reload(self) -> None:
        self.sub_title = self.titled("Agenda")
        super().reload()

    def show(self, data: AgendaData) -> None:
        for key, title in ALL_SECTIONS:
            rows = data.sections.get(key, [])
            count = data.counts.get(key, len(rows))
            more = f", {len(rows)} shown" if count > len(rows) else ""
            self.query_one(f"#title-{key}", Label).update(f"{title} ({count}{more})")
            table = self.query_one(f"#agenda-{key}", DataTable)
            cursor = table.cursor_row
            table.clear()
            for row in rows:
                table.add_row(*(safe_text(c) for c in row.cells), key=row.key)
            if table.row_count:
                table.move_cursor(row=min(cursor, table.row_count - 1), animate=False)
            table.display = bool(table.row_count)
        focused = self.focused
        if not isinstance(focused, DataTable) or not focused.row_count:
            for table in self.query(DataTable):
                if table.row_count:
                    table.focus()
                    break

    def _selected(self) -> tuple[str, int, int] | None:
        """(kind, id, contact id) of the row under the cursor of the focused table."""
        table = self.focused
        if not isinstance(table, DataTable) or not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key((table.cursor_row, 0))
        kind, ident, contact_id = str(row_key.value).split(":")
        return kind, int(ident), int(contact_id)

    def _selected_task(self) -> int | None:
        sel = self._selected()
        if sel is None or sel[0] != "task":
            self.notify("Select a task first", severity="warning")
            return None
        return sel[1]

    def action_done(self) -> None:
        if (task_id := self._selected_task()) is not None:
            self.complete_task(task_id)

    def action_snooze(self) -> None:
        from termcrm.tui.modals.snooze_form import SnoozeForm

        if (task_id := self._selected_task()) is not None:
            table = self.focused
            title = str(table.get_row_at(table.cursor_row)[2])
            self.open_form(SnoozeForm(task_id, title), "Task snoozed")

    def action_edit_task(self) -> None:
        from termcrm.tui.modals.task_form import TaskForm

        if (task_id := self._selected_task()) is not None:
            self.open_form(TaskForm(task_id=task_id), "Task saved")

    def action_new_task(self) -> None:
        from termcrm.tui.modals.task_form import TaskForm

        self.open_form(TaskForm(), "Task added")

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        sel = self._selected()
        if sel is None or not sel[2]:
            return
        contact_id = sel[2]
        from termcrm.tui.screens.contact_detail import ContactDetailScreen

        self.app.push_screen(ContactDetailScreen(contact_id))
