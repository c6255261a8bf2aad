"""A contact's detail: profile card (with consents), timeline newest first, deals, tasks and
changes (the audit trail: who changed what, when); escape goes back."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Header, Static, TabbedContent, TabPane

from termcrm import dates
from termcrm.errors import NotFound, TermcrmError
from termcrm.render.contacts import change_parts, consent_rows
from termcrm.render.money import amount
from termcrm.render.safe import clean
from termcrm.render.safe import text as safe_text
from termcrm.tui.screens.base import CrmScreen
from termcrm.tui.widgets.footer import CrmFooter
from termcrm.tui.widgets.table import CrmTable


class ContactDetailScreen(CrmScreen):
    """One contact and everything that happened with them."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="detail.back"),
        Binding("e", "edit_contact", "Edit", id="contact.edit", tooltip="Edit this contact"),
        Binding("l", "log", "Log", id="contact.log", tooltip="Log an interaction"),
        Binding("t", "add_task", "Task", id="contact.task", tooltip="Add a task"),
        Binding("n", "new_deal", "New deal", id="deal.new", tooltip="Add a deal for this contact"),
        Binding("d", "task_done", "Done", id="task.done", tooltip="Mark the selected task done"),
        Binding(
            "D",
            "duplicates",
            "Duplicates",
            id="contact.duplicates",
            tooltip="Find this contact's likely duplicates and merge one into it",
        ),
        Binding(
            "left",
            "tab(-1)",
            "Previous tab",
            id="detail.tab_left",
            show=False,
            priority=True,
            tooltip="The previous tab: timeline, deals, tasks, changes",
        ),
        Binding(
            "right",
            "tab(1)",
            "Tabs",
            id="detail.tab_right",
            key_display="←→",
            priority=True,
            tooltip="The next tab: timeline, deals, tasks, changes (← goes back)",
        ),
    ]

    def __init__(self, contact_id: int, *, tab: str = "timeline") -> None:
        super().__init__()
        self.contact_id = contact_id
        self.first_tab = tab
        self.name_shown = f"#{contact_id}"
        self.detail = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="detail"):
            with VerticalScroll(id="profile-box"):
                yield Static("Loading…", id="profile")
            with TabbedContent(id="detail-tabs"):
                with TabPane("Timeline", id="tab-timeline"):
                    yield CrmTable(id="timeline", cursor_type="row", zebra_stripes=True)
                with TabPane("Deals", id="tab-deals"):
                    yield CrmTable(id="deals", cursor_type="row", zebra_stripes=True)
                with TabPane("Tasks", id="tab-tasks"):
                    yield CrmTable(id="tasks", cursor_type="row", zebra_stripes=True)
                with TabPane("Changes", id="tab-changes"):
                    yield CrmTable(id="changes", cursor_type="row", zebra_stripes=True)
        yield CrmFooter()

    def on_mount(self) -> None:
        self.sub_title = "Contact"
        self.query_one("#timeline", DataTable).add_columns("When", "What")
        self.query_one("#deals", DataTable).add_columns("Deal", "Stage", "Value", "Close")
        self.query_one("#tasks", DataTable).add_columns("Due", "Task", "Status")
        self.query_one("#changes", DataTable).add_columns("When", "Who", "What")
        self.show_tab(self.first_tab)
        self.reload()

    def reload(self) -> None:
        contact_id = self.contact_id

        def load(session):
            from termcrm.services import refs, timeline

            return timeline.contact_detail(session, refs.contact(session, contact_id))

        self.in_background(load, self._show, group="detail", failed=self._failed)

    def _failed(self, error: TermcrmError) -> None:
        self.app.show_error(error.message)
        if isinstance(error, NotFound) and self.is_current:
            self.dismiss()  # deleted meanwhile, by another program perhaps

    def _show(self, detail) -> None:
        self.detail = detail
        c = detail.view.contact
        self.name_shown = c.name
        self.sub_title = clean(c.name)
        self.query_one("#profile", Static).update(_profile(detail))

        tl = self.query_one("#timeline", DataTable)
        tl.clear()
        for entry in detail.timeline:
            tl.add_row(dates.show(entry.at), _what(entry))
        deals = self.query_one("#deals", DataTable)
        deals.clear()
        for d in detail.deals:
            close = d.expected_close.isoformat() if d.expected_close else ""
            cells = (d.title, d.stage, amount(d.value_minor, d.currency), close)
            deals.add_row(*map(safe_text, cells), key=str(d.id))
        tasks = self.query_one("#tasks", DataTable)
        tasks.clear()
        for t in sorted(
            detail.tasks,
            key=lambda t: (t.done_at is not None, t.due_at is None, t.due_at or t.created_at),
        ):
            due = dates.show(t.due_at, with_time=t.due_has_time) if t.due_at else ""
            status = "done" if t.done_at else _due_status(t)
            tasks.add_row(due, safe_text(t.title), status, key=str(t.id))
        changes = self.query_one("#changes", DataTable)
        changes.clear()
        for change in detail.changes:  # newest first, as `termcrm history CONTACT`
            when, who, what, values = change_parts(change, c.id)
            shown = Text.assemble(what, (f" {values}" if values else "", "dim"))
            changes.add_row(when, Text(who), shown, key=str(change.entry.id))

    def contact_in_focus(self) -> tuple[int, str] | None:
        return self.contact_id, self.name_shown

    def action_new_deal(self) -> None:
        from termcrm.tui.modals.deal_form import DealForm

        form = DealForm(contact_id=self.contact_id, contact_name=self.name_shown)
        self.open_form(form, "Deal added")

    def show_tab(self, name: str) -> None:
        """Show the tab `name` (timeline, deals, tasks) and put the keys in its table."""
        self.query_one(TabbedContent).active = f"tab-{name}"
        self.query_one(f"#{name}", DataTable).focus()

    def action_tab(self, step: int) -> None:
        current = self.query_one(TabbedContent).active.removeprefix("tab-")
        self.show_tab(TABS[(TABS.index(current) + step) % len(TABS)])

    def action_back(self) -> None:
        self.dismiss()

    def action_duplicates(self) -> None:
        from termcrm.tui.modals.duplicates import DuplicatesScreen

        def merged(other_id: int | None) -> None:
            if other_id is not None:
                self.notify(f"Merged #{other_id} into this contact")
                self.reload()

        self.app.push_screen(DuplicatesScreen(self.contact_id, self.name_shown), merged)

    def action_task_done(self) -> None:
        tasks = self.query_one("#tasks", DataTable)
        if self.query_one(TabbedContent).active != "tab-tasks" or not tasks.row_count:
            self.query_one(TabbedContent).active = "tab-tasks"
            tasks.focus()
            self.notify("Choose the task, then press d", severity="information")
            return
        row_key, _ = tasks.coordinate_to_cell_key((tasks.cursor_row, 0))
        self.complete_task(int(row_key.value))


TABS = ("timeline", "deals", "tasks", "changes")


def _due_status(task) -> str:
    from termcrm.services import tasks

    return tasks.status(task) or "open"


def _what(entry) -> Text:
    r = entry.record
    if entry.type == "interaction":
        arrow = {"in": "← ", "out": "→ "}.get(r.direction or "", "")
        return Text.assemble((f"{clean(r.kind)} ", "bold"), arrow, clean(r.summary))
    if entry.type == "deal":
        return Text.assemble(("deal ", "bold"), clean(f"{r.title} ({r.stage})"))
    if entry.type == "task":
        mark = "✓ " if r.done_at else ""
        return Text.assemble(("task ", "bold"), mark, clean(r.title))
    return Text.assemble(("case ", "bold"), clean(f"{r.subject} ({r.status})"))


def _profile(detail) -> Group:
    view = detail.view
    c = view.contact
    head = safe_text(c.name, style="bold")
    role = " at ".join(x for x in (c.title, view.company) if x)
    if role:
        head.append("\n" + clean(role))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")  # a long email folds onto the next line, whole
    for label, value in (
        ("Email", c.email),
        ("Phone", c.phone),
        ("Stage", c.stage),
        ("Owner", c.owner),
        ("Source", c.source),
        ("Tags", ", ".join(view.tags)),
        ("Cadence", f"every {c.cadence_days} days" if c.cadence_days else None),
    ):
        if value:
            grid.add_row(label, safe_text(value))
    for key, value in view.fields.items():
        grid.add_row(safe_text(key), safe_text(value))
    for index, (kind, answer) in enumerate(consent_rows(detail.consents)):
        grid.add_row("" if index else "Consent", safe_text(f"{kind} {answer}"))  # narrow card
    if c.notes:
        grid.add_row("Notes", safe_text(c.notes, multiline=True))
    return Group(head, Text(""), grid)
