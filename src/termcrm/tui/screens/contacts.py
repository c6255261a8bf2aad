"""Screen 1, the start: every contact, searchable as you type, filtered, sorted, paged."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Header, Input, Select, Static

from termcrm.tui.screens.base import CrmScreen
from termcrm.tui.widgets.contact_table import ContactTable
from termcrm.tui.widgets.footer import CrmFooter
from termcrm.tui.widgets.search_box import SearchBox
from termcrm.vocab import CONTACT_STAGES


class ContactsScreen(CrmScreen):
    """The contact list; enter opens a contact's detail."""

    BINDINGS = [
        Binding("slash", "focus_search", "Search", id="contacts.search", key_display="/"),
        Binding("n", "new_contact", "New contact", id="contact.new", tooltip="Add a contact"),
        Binding(
            "e", "edit_contact", "Edit", id="contact.edit", tooltip="Edit the selected contact"
        ),
        Binding(
            "l",
            "log",
            "Log",
            id="contact.log",
            tooltip="Log an interaction with the selected contact",
        ),
        Binding(
            "t",
            "add_task",
            "Task",
            id="contact.task",
            tooltip="Add a task for the selected contact",
        ),
        Binding(
            "escape",
            "focus_table",
            "Table",
            show=False,
            id="contacts.table",
            tooltip="Back from the filters to the table",
        ),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="filters"):
            yield SearchBox(
                placeholder="/ search name, email, company, tag", id="search", compact=True
            )
            yield Input(placeholder="tag", id="tag", compact=True)
            yield Select(
                [(s, s) for s in CONTACT_STAGES], prompt="any stage", id="stage", compact=True
            )
            yield Input(placeholder="owner", id="owner", compact=True)
        yield Static("Loading contacts…", id="status")
        yield ContactTable(id="contacts")
        yield CrmFooter()

    def on_mount(self) -> None:
        self.sub_title = "Contacts"
        self.query_one(ContactTable).focus()
        self.query_one(ContactTable).load()
        # the search box is watched rather than waited on for its `Changed` message: that
        # message reaches the screen only after the screen has redrawn (the box's new width
        # means a new layout, 5-25 ms on a busy machine), so the query would start late
        self.watch(self.query_one("#search", Input), "value", self._filters_changed, init=False)

    @property
    def table(self) -> ContactTable:
        return self.query_one(ContactTable)

    def reload(self) -> None:
        self.table.load(keep_rows=True)

    def on_screen_resume(self) -> None:
        """Back from a contact or a dialog: what was done there shows in the list."""
        if self.table.generation:  # not at the start: on_mount loads
            self.reload()

    def contact_in_focus(self) -> tuple[int, str] | None:
        table = self.table
        cid = table.selected_id
        if cid is None:
            return None
        return cid, table.selected_name or f"#{cid}"

    def after_new_contact(self, contact_id: object) -> None:
        self.app.push_screen(_detail(int(contact_id)))

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_focus_table(self) -> None:
        self.table.focus()

    @on(Input.Changed, "#tag, #owner")
    @on(Select.Changed)
    def _filters_changed(self) -> None:
        from termcrm.services.search import ContactQuery

        stage = self.query_one("#stage", Select).value
        self.table.load(
            ContactQuery(
                search=self.query_one("#search", Input).value,
                tag=self.query_one("#tag", Input).value.strip() or None,
                stage=None if stage is Select.NULL else str(stage),
                owner=self.query_one("#owner", Input).value.strip() or None,
            )
        )

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.table.focus()

    @on(ContactTable.PageShown)
    def _count(self, message: ContactTable.PageShown) -> None:
        n = message.total
        sort = self.table.sort
        found = "counting…" if n is None else f"{n:,} contact{'s' if n != 1 else ''}"
        self.query_one("#status", Static).update(
            f"{found} · sorted by {_SORT_NAMES[sort]}"
            f"{' (descending)' if self.table.descending else ''} · enter opens, o sorts"
        )

    @on(ContactTable.Opened)
    def _open(self, message: ContactTable.Opened) -> None:
        self.app.push_screen(_detail(message.contact_id))


_SORT_NAMES = {
    "name": "name",
    "company": "company",
    "stage": "stage",
    "owner": "owner",
    "last": "last contact",
    "next": "next task",
}


def _detail(contact_id: int):
    from termcrm.tui.screens.contact_detail import ContactDetailScreen

    return ContactDetailScreen(contact_id)
