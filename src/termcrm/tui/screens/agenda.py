"""Screen 3: what needs doing: overdue, today, upcoming, and contacts going cold.

`d` marks the selected task done (a recurring one rolls forward), `s` snoozes it.
The sections come from the domain layer (`services.agenda` when present, else the task
service's own scopes), so the agenda here is the one `termcrm today` prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Label

from termcrm import dates
from termcrm.errors import Invalid, TermcrmError
from termcrm.tui.screens.base import CrmScreen

SECTIONS = (("overdue", "Overdue"), ("today", "Today"), ("upcoming", "Upcoming"))


@dataclass
class AgendaData:
    tasks: dict[str, list[tuple[Any, str | None]]]  # section -> [(task, contact name)]
    cold: list[tuple[int, str, str]]  # (contact id, name, how long quiet)


def load_agenda(session) -> AgendaData:
    """The agenda's sections from the domain layer."""
    from termcrm.services import tasks as task_service

    try:
        from termcrm.services import agenda as agenda_service
    except ImportError:
        agenda_service = None
    if agenda_service is not None and hasattr(agenda_service, "build"):
        return _from_agenda(session, agenda_service.build(session))
    if not hasattr(task_service, "list_tasks"):
        raise Invalid("The agenda needs the task service of a newer termcrm")
    sections = {}
    seen: set[int] = set()
    for name, scope in (("overdue", "overdue"), ("today", "today"), ("upcoming", "week")):
        rows = [t for t in task_service.list_tasks(session, scope=scope) if t.id not in seen]
        seen.update(t.id for t in rows)
        names = task_service.contact_names(session, rows)
        sections[name] = [(t, names.get(t.contact_id)) for t in rows]
    return AgendaData(sections, [])


def _from_agenda(session, built) -> AgendaData:
    """Adapt `agenda.build(...)`'s result (attributes or a dict) to what the screen shows."""
    get = built.get if isinstance(built, dict) else lambda k, d=None: getattr(built, k, d)
    from termcrm.services import tasks as task_service

    sections = {}
    for name, _ in SECTIONS:
        items = list(get(name, None) or [])
        tasks = [getattr(i, "task", i) for i in items]
        names = task_service.contact_names(session, tasks) if tasks else {}
        sections[name] = [(t, names.get(t.contact_id)) for t in tasks]
    cold = []
    for item in get("going_cold", None) or get("cold", None) or []:
        contact = getattr(item, "contact", item)
        days = getattr(item, "days_quiet", None) or getattr(item, "days", None)
        quiet = f"{days} days quiet" if days is not None else "no contact yet"
        cold.append((contact.id, contact.name, quiet))
    return AgendaData(sections, cold)


def complete_task(screen: CrmScreen, task_id: int) -> None:
    """Mark a task done in a worker, then say so and reload `screen`."""
    _complete(screen, task_id)


@work(thread=True, exclusive=True, group="task-write")
def _complete(screen: CrmScreen, task_id: int) -> None:
    from termcrm.services import tasks

    app = screen.app
    try:
        with app.store.write() as session:
            done, following = tasks.complete_task(session, task_id)
            text = f"Done: {done.title}"
            if following is not None and following.due_at is not None:
                text += f"; next due {dates.show(following.due_at, with_time=False)}"
    except TermcrmError as exc:
        app.call_from_thread(app.show_error, exc.message)
        return
    except AttributeError:
        app.call_from_thread(app.show_error, "Completing tasks needs a newer termcrm")
        return
    app.call_from_thread(app.notify, text)
    app.call_from_thread(screen.reload)


class AgendaScreen(CrmScreen):
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
        Binding(
            "enter",
            "open",
            "Open",
            id="agenda.open",
            show=False,
            tooltip="Open the contact of the selected row",
        ),
    ]

    @dataclass
    class _Loaded(Message):
        data: AgendaData | None
        error: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="agenda"):
            for key, title in SECTIONS:
                yield Label(title, classes="agenda-title", id=f"title-{key}")
                yield DataTable(id=f"agenda-{key}", classes="agenda-table", cursor_type="row")
            yield Label("Going cold", classes="agenda-title", id="title-cold")
            yield DataTable(id="agenda-cold", classes="agenda-table", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Agenda"
        for key, _ in SECTIONS:
            self.query_one(f"#agenda-{key}", DataTable).add_columns("Due", "Task", "Contact", "")
        self.query_one("#agenda-cold", DataTable).add_columns("Contact", "Quiet for")
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="agenda")
    def _load(self) -> None:
        try:
            with self.app.store.read() as session:
                data = load_agenda(session)
        except TermcrmError as exc:
            self.post_message(self._Loaded(None, exc.message))
            return
        self.post_message(self._Loaded(data))

    @on(_Loaded)
    def _show(self, message: _Loaded) -> None:
        if message.data is None:
            self.notify(message.error or "", severity="warning")
            return
        focused = self.focused
        for key, title in SECTIONS:
            rows = message.data.tasks.get(key, [])
            self.query_one(f"#title-{key}", Label).update(f"{title} ({len(rows)})")
            table = self.query_one(f"#agenda-{key}", DataTable)
            cursor = table.cursor_row
            table.clear()
            for task, contact in rows:
                due = dates.show(task.due_at, with_time=task.due_has_time) if task.due_at else ""
                extra = "↻ " + task.recur if task.recur else ""
                table.add_row(
                    due,
                    task.title,
                    contact or "",
                    extra,
                    key=f"task:{task.id}:{task.contact_id or 0}",
                )
            if table.row_count:
                table.move_cursor(row=min(cursor, table.row_count - 1))
        cold = self.query_one("#agenda-cold", DataTable)
        self.query_one("#title-cold", Label).update(f"Going cold ({len(message.data.cold)})")
        cold.clear()
        for cid, name, quiet in message.data.cold:
            cold.add_row(name, quiet, key=f"contact:{cid}:{cid}")
        if focused is None or focused not in self.query(DataTable):
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
            complete_task(self, task_id)

    def action_snooze(self) -> None:
        from termcrm.tui.modals.snooze_form import SnoozeForm

        if (task_id := self._selected_task()) is not None:
            self.open_form(SnoozeForm(task_id), "Task snoozed")

    def action_new_task(self) -> None:
        from termcrm.tui.modals.task_form import TaskForm

        self.open_form(TaskForm(), "Task added")

    def action_open(self) -> None:
        sel = self._selected()
        if sel is None or not sel[2]:
            return
        contact_id = sel[2]
        from termcrm.tui.screens.contact_detail import ContactDetailScreen

        self.app.push_screen(ContactDetailScreen(contact_id))
