"""The contacts table: loads a page at a time, so 100,000 contacts open as fast as 100.

Rows are fetched in a thread worker (`services.pager.contact_page`): the first page and
the count when the filters change, then whichever page the screen shows and the cursor is
on. The table is as long as the count from the start, so End, ctrl+End or the scroll bar
reach the last of 100,000 rows at once (its page is fetched then), and Home returns.
Replies to an outdated request (the user typed on) are dropped.

The very first page, the whole list by name, can come from `termcrm.firstpage` (sqlite3
alone) when the app was started on the fast path (`CrmApp(first_page_from=...)`): it is on screen
before the domain layer has been imported, which this module therefore imports only when a
page is fetched.

It draws itself with Textual's line API (a `ScrollView` rendering one `Strip` a line)
rather than being a `DataTable`: DataTable measures every cell it is given and renders
each cell through Rich, about 1 ms a line, which is most of a search keystroke's budget.
Here a line is a handful of padded strings: the cells are formatted once, when the page
arrives.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual import events, on, work
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from termcrm import dates
from termcrm.errors import Abandoned, TermcrmError
from termcrm.firstpage import PAGE
from termcrm.render.safe import clean

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


def _fit(text: str, width: int) -> str:
    """`text` padded or cut (with an ellipsis) to exactly `width` cells."""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, max(0, width - 1)) + "…" if width else ""


def _cells(r) -> tuple[str, ...]:
    """A `pager.ContactRow` (or its `firstpage.Row` twin) as the cells shown."""
    nxt = ""
    if r.next_task:
        due = f" · {dates.show(r.next_due, with_time=False)}" if r.next_due else ""
        nxt = f"{r.next_task}{due}"
    last = dates.show(r.last_interaction, with_time=False) if r.last_interaction else ""
    # plain strings: a name like "[b]" is shown as typed, never read as markup, and
    # neutralised: the segments go to the terminal as they are
    return tuple(clean(v) for v in (r.name, r.company, r.stage, r.owner, last, nxt))


class ContactTable(ScrollView, can_focus=True):
    """Contacts matching the current filters, one page fetched at a time."""

    DEFAULT_CSS = """
    ContactTable {
        background: $surface;
        scrollbar-gutter: stable;
    }
    ContactTable > .contact-table--header {
        text-style: bold;
        background: $panel;
        color: $foreground;
    }
    ContactTable > .contact-table--sorted {
        text-style: bold;
        background: $panel;
        color: $text-accent;
    }
    ContactTable > .contact-table--odd-row {
        background: $surface-lighten-1 40%;
    }
    ContactTable > .contact-table--cursor {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
    }
    ContactTable:focus > .contact-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    """
    COMPONENT_CLASSES = {
        "contact-table--header",
        "contact-table--sorted",
        "contact-table--odd-row",
        "contact-table--cursor",
    }
    BINDINGS = [
        Binding("enter", "open", "Open", show=False, id="contacts.open",
                tooltip="Open the selected contact"),
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,ctrl+home", "jump(0)", "First", show=False),
        Binding("end,ctrl+end", "jump(-1)", "Last", show=False),
        Binding("o", "cycle_sort", "Sort", id="contacts.sort", tooltip="Sort by the next column"),
        Binding("O", "reverse_sort", "Reverse", show=False, id="contacts.reverse",
                tooltip="Reverse the sort order"),
    ]  # fmt: skip

    cursor_row: reactive[int] = reactive(0)

    @dataclass
    class Opened(Message):
        """The user chose a contact (enter, or a click on the selected row)."""

        contact_id: int

    @dataclass
    class PageShown(Message):
        """The table shows new results: `rows` loaded so far, and the number of matches
        (`total`; None while it is still being counted for these results). Posted when a
        new first page is shown and again when its total is known."""

        rows: int
        total: int | None
        table: ContactTable

        @property
        def control(self) -> ContactTable:
            return self.table

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
        super().__init__(**kwargs)
        #: a `services.search.ContactQuery`; None: the whole list
        self.filters = None
        self.sort = "name"
        self.descending = False
        self.total: int | None = None
        #: how many result sets have been shown
        self.generation = 0
        #: the rows fetched so far, by their position in the results
        self._ids: dict[int, int] = {}
        self._rows: dict[int, tuple[str, ...]] = {}
        self._widths = [max(w, 8) for _, _, w in COLUMNS]
        self._request = 0
        self._count_request = -1
        self._asked: set[int] = set()  # pages asked for in the current request

    # -- the rows ---------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        """How many rows the table has: the count once known, else the rows fetched."""
        if self.total is not None and self._count_request == self._request:
            return self.total
        return len(self._rows)

    @property
    def loaded(self) -> int:
        """How many rows have been fetched."""
        return len(self._rows)

    def get_row_at(self, index: int) -> tuple[str, ...]:
        """The cells of a row as shown (name, company, stage, owner, contacted, next task)."""
        return self._rows[index]

    @property
    def selected_id(self) -> int | None:
        return self._ids.get(self.cursor_row)

    @property
    def selected_name(self) -> str | None:
        row = self._rows.get(self.cursor_row)
        return row[0] if row else None

    def _set_rows(self, offset: int, rows, *, replace: bool) -> None:
        if replace:
            self._ids, self._rows = {}, {}
        for i, r in enumerate(rows, offset):
            self._ids[i] = r.id
            self._rows[i] = _cells(r)
        self._resize_virtual()
        self.refresh()

    def _resize_virtual(self) -> None:
        self.virtual_size = Size(sum(self._widths) + 2 * len(COLUMNS), self.row_count + 1)

    def move_cursor(self, *, row: int, animate: bool = False) -> None:
        self.cursor_row = row

    def validate_cursor_row(self, row: int) -> int:
        return max(0, min(row, self.row_count - 1))

    def watch_cursor_row(self, old: int, new: int) -> None:
        self.refresh()
        self._scroll_to_cursor()
        self._want(new)

    def _scroll_to_cursor(self) -> None:
        visible = max(1, self.scrollable_content_region.height - 1)  # minus the header
        top = int(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + visible:
            self.scroll_to(y=self.cursor_row - visible + 1, animate=False)

    # -- drawing ----------------------------------------------------------------------------

    def on_resize(self) -> None:
        """Share the width out: fixed columns first, the rest by their shares."""
        free = self.scrollable_content_region.width - 2 * len(COLUMNS)  # cell padding
        free -= sum(w for _, _, w in COLUMNS if w > 0)
        shares = -sum(w for _, _, w in COLUMNS if w < 0)
        self._widths = [w if w > 0 else max(8, free * -w // shares) for _, _, w in COLUMNS]
        self._resize_virtual()
        self.refresh()

    def _header_cells(self) -> list[tuple[str, str]]:
        out = []
        for key, label, _ in COLUMNS:
            if key == self.sort:
                out.append((f"{label} {'▼' if self.descending else '▲'}", "sorted"))
            else:
                out.append((label, "header"))
        return out

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x = int(self.scroll_x)
        base = self.rich_style
        if y == 0:
            segments = [
                Segment(
                    f" {_fit(text, w)} ",
                    base + self.get_component_rich_style(f"contact-table--{part}"),
                )
                for (text, part), w in zip(self._header_cells(), self._widths, strict=True)
            ]
        else:
            index = int(self.scroll_y) + y - 1
            if index not in self._rows:
                if index < self.row_count:
                    self.call_later(self._want, index)  # on screen, not fetched yet
                return Strip.blank(width, base)
            if index == self.cursor_row:
                style = base + self.get_component_rich_style("contact-table--cursor")
            elif index % 2:
                style = base + self.get_component_rich_style("contact-table--odd-row")
            else:
                style = base
            line = "".join(
                f" {_fit(text, w)} "
                for text, w in zip(self._rows[index], self._widths, strict=True)
            )
            segments = [Segment(line, style)]
        strip = Strip(segments)
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    # -- requests ---------------------------------------------------------------------------

    def load(self, filters=None, *, keep_rows: bool = False) -> None:
        """Fetch the first page (and the count) for `filters` (default: the current ones)."""
        if filters is not None:
            self.filters = filters
        self._request += 1
        self._asked = {0}
        # a refresh keeps what was scrolled through, up to a few pages
        limit = max(PAGE, min(self.loaded, KEEP_MAX)) if keep_rows else PAGE
        args = (self._request, self.filters, self.sort, self.descending, 0, limit, True)
        fast = getattr(self.app, "first_page_from", None)
        if fast is not None and fast.ready() and self._first_page(*args):
            return  # read already: shown without a worker's round trip
        self._fetch(*args)

    def _want(self, index: int) -> None:
        """Fetch the page holding row `index` unless it is there or on its way."""
        page = index // PAGE
        if index in self._rows or page in self._asked or not 0 <= index < self.row_count:
            return
        self._asked.add(page)
        self._fetch_page(self._request, self.filters, self.sort, self.descending, page * PAGE)

    @work(thread=True, exclusive=True, group="contact-page")
    def _fetch(self, request, filters, sort, descending, offset, limit, with_count) -> None:
        self._query(request, filters, sort, descending, offset, limit, with_count)

    @work(thread=True, group="contact-more")
    def _fetch_page(self, request, filters, sort, descending, offset) -> None:
        self._query(request, filters, sort, descending, offset, PAGE, False)

    def _query(self, request, filters, sort, descending, offset, limit, with_count) -> None:
        if request != self._request:
            return  # typed on before this thread started: its answer would be dropped
        if self._first_page(request, filters, sort, descending, offset, limit, with_count):
            return
        from termcrm.services import pager
        from termcrm.services.search import ContactQuery

        filters = filters if filters is not None else ContactQuery()
        store = self.app.store
        try:
            # typed on meanwhile: stop (a count of 85,000 matches of "o" would otherwise take
            # the interpreter from the next keystroke's page for a second)
            stale = lambda: request != self._request  # noqa: E731
            with store.read() as session, store.abandon_when(session, stale):
                rows = pager.contact_page(
                    session,
                    filters,
                    sort=sort,
                    descending=descending,
                    limit=limit,
                    offset=offset,
                )
                self.post_message(self._Page(request, offset, rows))
                if with_count:
                    if filters.search and self._typed_on(request):
                        return  # counting would slow the next keystroke's page down
                    self.post_message(self._Count(request, pager.count(session, filters)))
        except Abandoned:
            return  # its answer would be dropped
        except TermcrmError as exc:
            self.post_message(self._Failed(request, exc.message))

    def _first_page(self, request, filters, sort, descending, offset, limit, count) -> bool:
        """The whole list's first page by name, from `termcrm.firstpage` once, on the fast
        path: True when it was shown."""
        fast = getattr(self.app, "first_page_from", None)
        if fast is None or filters is not None or (sort, descending, offset) != ("name", False, 0):
            return False
        self.app.first_page_from = None  # once: later pages and reloads use the pager
        found = fast.take(limit)
        if found is None:
            return False
        rows, total = found
        self.post_message(self._Page(request, 0, rows))
        if count:
            self.post_message(self._Count(request, total))
        return True

    def _typed_on(self, request: int, pause: float = COUNT_PAUSE) -> bool:
        """Wait a moment; True if the user typed on meanwhile (a newer request came)."""
        deadline = time.monotonic() + pause
        while time.monotonic() < deadline:
            if request != self._request:
                return True
            time.sleep(0.01)
        return request != self._request

    # -- replies ----------------------------------------------------------------------------

    @on(_Page)
    def _show_page(self, message: _Page) -> None:
        message.stop()
        if message.request != self._request:
            return
        first = message.offset == 0
        self._set_rows(message.offset, message.rows, replace=first)
        if first:
            self.cursor_row = min(self.cursor_row, max(0, self.row_count - 1))
            self.generation += 1
            counted = self._count_request == message.request
            # the old total is not these rows': "counting…" until the new one is known
            self.post_message(self.PageShown(self.row_count, self.total if counted else None, self))

    @on(_Count)
    def _show_count(self, message: _Count) -> None:
        message.stop()
        if message.request != self._request:
            return
        self.total = message.total
        self._count_request = message.request
        self._resize_virtual()  # as long as the count: the scroll bar reaches the last row
        self.refresh()
        self.post_message(self.PageShown(self.row_count, self.total, self))

    @on(_Failed)
    def _failed(self, message: _Failed) -> None:
        message.stop()
        self._asked.clear()  # asked again when next shown
        self.app.show_error(message.error)

    # -- keys and mouse ---------------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        self.cursor_row += step

    def action_page(self, step: int) -> None:
        self.cursor_row += step * max(1, self.scrollable_content_region.height - 2)

    def action_jump(self, where: int) -> None:
        self.cursor_row = 0 if where == 0 else self.row_count - 1

    def action_open(self) -> None:
        if self.selected_id is not None:
            self.post_message(self.Opened(self.selected_id))

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            x = event.x + int(self.scroll_x)
            for (key, _, _), w in zip(COLUMNS, self._widths, strict=True):
                if x < w + 2:
                    self._sort_by(key)
                    return
                x -= w + 2
            return
        index = int(self.scroll_y) + event.y - 1
        if 0 <= index < self.row_count:
            if index == self.cursor_row or event.chain > 1:
                self.cursor_row = index
                self.action_open()
            else:
                self.cursor_row = index

    def _sort_by(self, key: str) -> None:
        if key == self.sort:
            self.descending = not self.descending
        else:
            self.sort, self.descending = key, key == "last"
        self.refresh()
        self.load()

    def action_cycle_sort(self) -> None:
        keys = [k for k, _, _ in COLUMNS]
        self.sort = keys[(keys.index(self.sort) + 1) % len(keys)]
        self.descending = self.sort == "last"
        self.refresh()
        self.load()

    def action_reverse_sort(self) -> None:
        self.descending = not self.descending
        self.refresh()
        self.load()

    @property
    def header_text(self) -> str:
        """The header as shown (for tests)."""
        return " ".join(text for text, _ in self._header_cells())
