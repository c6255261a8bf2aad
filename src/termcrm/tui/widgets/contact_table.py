"""The contacts table: loads a page at a time, so 100,000 contacts open as fast as 100.

Rows are fetched in a thread worker (`services.search.contact_page`), a page when the
filters change and the next page when the cursor or the scroll bar nears the end of what
is loaded. Replies to an outdated request (the user typed on) are dropped.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from termcrm import dates
from termcrm.errors import TermcrmError
from termcrm.services import search
from termcrm.services.search import Filters

#: rows per fetch: a screenful and some; DataTable measures every cell it is given
PAGE = 60
#: a refresh fetches again at most this many of the rows already shown
KEEP_MAX = 10 * PAGE
#: while the user types, the total is counted only once they pause this long (seconds)
COUNT_PAUSE = 0.12
#: key, label, width: a fixed width, or a negative share of what the fixed ones leave
COLUMNS = (
    ("name", "Name", -3),
    ("company", "Company", -2),
    ("stage", "Stage", 8),
    ("owner", "Owner", 8),
    ("last", "Contacted", 10),
    ("next", "Next task", -3),
)


class ContactTable(DataTable):
    """Contacts matching the current filters, one page fetched at a time."""

    BINDINGS = [
        Binding("o", "cycle_sort", "Sort", id="contacts.sort", tooltip="Sort by the next column"),
        Binding(
            "O",
            "reverse_sort",
            "Reverse",
            show=False,
            id="contacts.reverse",
            tooltip="Reverse the sort order",
        ),
    ]

    @dataclass
    class Opened(Message):
        """The user chose a contact (enter or a click on a selected row)."""

        contact_id: int

    @dataclass
    class _Page(Message):
        request: int
        offset: int
        rows: list

    @dataclass
    class _Count(Message):
        request: int
        total: int

    @dataclass
    class _Failed(Message):
        request: int
        error: str

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.filters = Filters()
        self.sort = "name"
        self.descending = False
        self.total: int | None = None
        #: how many result sets have been shown (tests and benchmarks wait on it)
        self.generation = 0
        self._request = 0
        self._count_request = -1
        self._fetching_more = False

    def on_mount(self) -> None:
        for key, label, width in COLUMNS:
            self.add_column(self._label(key, label), width=max(width, 8), key=key)

    def on_resize(self) -> None:
        """Share the width out: fixed columns first, the rest by their shares."""
        free = self.scrollable_content_region.width - 2 * len(COLUMNS)  # cell padding
        free -= sum(w for _, _, w in COLUMNS if w > 0)
        shares = -sum(w for _, _, w in COLUMNS if w < 0)
        for key, _, width in COLUMNS:
            column = self.columns[key]
            column.width = width if width > 0 else max(8, free * -width // shares)
            column.auto_width = False
        self._require_update_dimensions = True
        self.refresh()

    def _label(self, key: str, label: str) -> Text:
        if key == self.sort:
            return Text(f"{label} {'▼' if self.descending else '▲'}", style="bold")
        return Text(label)

    # -- requests -------------------------------------------------------------------------

    def load(self, filters=None, *, keep_rows: bool = False) -> None:
        """Fetch the first page (and the count) for `filters` (default: the current ones)."""
        if filters is not None:
            self.filters = filters
        self._request += 1
        self._fetching_more = True  # no next page until the first one is shown
        self.app.contacts_loading = True
        # a refresh keeps what was scrolled through, up to a few pages (each row is measured)
        limit = max(PAGE, min(self.row_count, KEEP_MAX)) if keep_rows else PAGE
        self._fetch(self._request, self.filters, self.sort, self.descending, 0, limit, True)

    def _more(self) -> None:
        if self._fetching_more or self.total is None or self.row_count >= self.total:
            return
        self._fetching_more = True
        self._fetch_more(self._request, self.filters, self.sort, self.descending, self.row_count)

    @work(thread=True, exclusive=True, group="contact-page")
    def _fetch(self, request, filters, sort, descending, offset, limit, with_count) -> None:
        self._query(request, filters, sort, descending, offset, limit, with_count)

    @work(thread=True, exclusive=True, group="contact-more")
    def _fetch_more(self, request, filters, sort, descending, offset) -> None:
        self._query(request, filters, sort, descending, offset, PAGE, False)

    def _query(self, request, filters, sort, descending, offset, limit, with_count) -> None:
        try:
            with self.app.store.read() as session:
                rows = search.contact_page(
                    session, filters, sort=sort, descending=descending, limit=limit, offset=offset
                )
                self.post_message(self._Page(request, offset, rows))
                if with_count:
                    if filters.search and self._typed_on(request):
                        return  # counting would slow the next keystroke's page down
                    self.post_message(self._Count(request, search.count(session, filters)))
        except TermcrmError as exc:
            self.post_message(self._Failed(request, exc.message))

    def _typed_on(self, request: int, pause: float = COUNT_PAUSE) -> bool:
        """Wait a moment; True if the user typed on meanwhile (a newer request came)."""
        deadline = time.monotonic() + pause
        while time.monotonic() < deadline:
            if request != self._request:
                return True
            time.sleep(0.01)
        return request != self._request

    # -- replies --------------------------------------------------------------------------

    @on(_Page)
    def _show_page(self, message: _Page) -> None:
        message.stop()
        if message.request != self._request:
            return
        if message.offset == 0:
            keep = self.cursor_row
            self._fetching_more = True
            self.clear()
            self.add_rows_of(message.rows)
            if self.row_count:
                self.move_cursor(row=min(keep, self.row_count - 1), animate=False)
            self._fetching_more = False
            self.generation += 1
            self.app.contacts_loading = False
            self._maybe_ready()
        elif message.offset == self.row_count:
            self.add_rows_of(message.rows)
            self._fetching_more = False
        else:
            self._fetching_more = False
        if self.row_count < self.size.height + 10:
            self._more()  # a tall terminal shows more than a page

    @on(_Count)
    def _show_count(self, message: _Count) -> None:
        message.stop()
        if message.request != self._request:
            return
        self.total = message.total
        self._count_request = message.request
        self.post_message(self.CountChanged(self.total))
        self._maybe_ready()

    @on(_Failed)
    def _failed(self, message: _Failed) -> None:
        message.stop()
        self._fetching_more = False
        self.app.contacts_loading = False
        self.app.show_error(message.error)

    def _maybe_ready(self) -> None:
        if self.total is not None and self.generation and not self.app.contacts_ready:
            self.app.contacts_ready_at = time.perf_counter()
            self.app.contacts_ready = True

    @dataclass
    class CountChanged(Message):
        total: int

    def add_rows_of(self, rows) -> None:
        for r in rows:
            nxt = ""
            if r.next_task:
                due = f" · {dates.show(r.next_due, with_time=False)}" if r.next_due else ""
                nxt = f"{r.next_task}{due}"
            last = dates.show(r.last_interaction, with_time=False) if r.last_interaction else ""
            self.add_row(r.name, r.company or "", r.stage, r.owner or "", last, nxt, key=str(r.id))

    # -- navigation -----------------------------------------------------------------------

    @property
    def selected_id(self) -> int | None:
        if not self.row_count:
            return None
        row_key, _ = self.coordinate_to_cell_key((self.cursor_row, 0))
        return int(row_key.value)

    def watch_cursor_coordinate(self, old, new) -> None:
        super().watch_cursor_coordinate(old, new)
        if new.row >= self.row_count - 20:
            self._more()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if new >= self.max_scroll_y - 10:
            self._more()

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.post_message(self.Opened(int(event.row_key.value)))

    @on(DataTable.HeaderSelected)
    def _header(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        key = event.column_key.value
        if key == self.sort:
            self.descending = not self.descending
        else:
            self.sort, self.descending = key, key == "last"
        self._relabel()
        self.load()

    def action_cycle_sort(self) -> None:
        keys = [k for k, _, _ in COLUMNS]
        self.sort = keys[(keys.index(self.sort) + 1) % len(keys)]
        self.descending = self.sort == "last"
        self._relabel()
        self.load()

    def action_reverse_sort(self) -> None:
        self.descending = not self.descending
        self._relabel()
        self.load()

    def _relabel(self) -> None:
        for key, label, _ in COLUMNS:
            self.columns[key].label = self._label(key, label)
        self.refresh()
