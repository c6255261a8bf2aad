"""Screen 1, the start: every contact, searchable as you type, filtered, sorted, paged.

The filters are `ContactQuery`'s (the same as `contact list`'s options): the search, a tag,
a stage, an owner, an activity preset (`ACTIVITY`), "mine" (`m`: the owner is you) and a
saved segment (`s`: `SegmentPicker`), evaluated each time the list loads."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Header, Input, Select, Static

from termcrm.render.safe import text as safe_text
from termcrm.tui.screens.base import MINE_BINDING, CrmScreen
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
        MINE_BINDING,
        Binding(
            "s",
            "pick_segment",
            "Segment",
            id="contacts.segment",
            tooltip="Segment: show the members of a saved segment (or all contacts again)",
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
            yield Select(
                [(label, key) for key, (label, _) in ACTIVITY.items()],
                prompt="any activity",
                id="activity",
                compact=True,
            )
        yield Static("Loading contacts…", id="status")
        yield ContactTable(id="contacts")
        yield CrmFooter()

    def __init__(self) -> None:
        super().__init__()
        #: the saved segment the list is narrowed to (`s`), None for all contacts
        self.segment: str | None = None
        self._mine_shown = False
        self._owner_typed = ""  # what the owner box held before "mine" filled it
        self._resumed = False

    def on_mount(self) -> None:
        self.sub_title = self.titled("Contacts")
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
        """Back from a contact or a dialog: what was done there shows in the list ("mine"
        may have been switched on another screen meanwhile)."""
        first, self._resumed = not self._resumed, True
        if self.mine != self._mine_shown:
            self.mine_changed()
        elif not first:  # at the start, on_mount loads
            self.reload()

    def mine_changed(self) -> None:
        """ "Mine" fills the owner box with your name (and locks it) or gives it back."""
        box = self.query_one("#owner", Input)
        with self.prevent(Input.Changed):
            if self.mine:
                self._owner_typed = box.value
                box.value = self.app.actor
            else:
                box.value = self._owner_typed
        box.disabled = self.mine
        self._mine_shown = self.mine
        self._filters_changed()

    def action_pick_segment(self) -> None:
        from termcrm.tui.modals.segment_picker import SegmentPicker

        def chosen(name: str | None) -> None:
            if name is None:
                return  # closed: as it was
            self.segment = name or None
            self._filters_changed()

        self.app.push_screen(SegmentPicker(self.segment), chosen)

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
        activity = self.query_one("#activity", Select).value
        more = {} if activity is Select.NULL else ACTIVITY[str(activity)][1]
        owner = self.mine_owner() or self.query_one("#owner", Input).value.strip() or None
        self.sub_title = self.titled("Contacts", self.segment and f"segment {self.segment}")
        self.table.load(
            ContactQuery(
                search=self.query_one("#search", Input).value,
                tag=self.query_one("#tag", Input).value.strip() or None,
                stage=None if stage is Select.NULL else str(stage),
                owner=owner,
                segment=self.segment,
                **more,
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
        segment = self.table.filters.segment if self.table.filters is not None else None
        if segment:
            found += f" in segment {segment}"
        if self.mine:
            found += " · mine"
        # a segment's name is stored text: Text, neutralised, never read as markup
        self.query_one("#status", Static).update(
            safe_text(
                f"{found} · sorted by {_SORT_NAMES[sort]}"
                f"{' (descending)' if self.table.descending else ''} · enter opens, o sorts"
            )
        )

    @on(ContactTable.Opened)
    def _open(self, message: ContactTable.Opened) -> None:
        self.app.push_screen(_detail(message.contact_id))


#: the activity presets: the segment filters people reach for most, one choice at a time
#: (key: (label, `ContactQuery` fields)); the rest are a saved segment away (`s`)
ACTIVITY = {
    "never": ("never contacted", {"never_contacted": True}),
    "quiet30": ("quiet 30+ days", {"contacted_before": "30d"}),
    "quiet90": ("quiet 90+ days", {"contacted_before": "90d"}),
    "recent": ("contacted in 30d", {"contacted_after": "30d"}),
    "deal": ("has an open deal", {"has_open_deal": True}),
}

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
