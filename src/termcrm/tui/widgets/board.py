"""The pipeline board's parts: a column per stage holding deal cards, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, ListItem, ListView

from termcrm.render.money import amount, totals
from termcrm.render.safe import clean

#: load the next page of cards when the highlight comes this close to the last one loaded
NEAR_END = 5


class DealCard(ListItem):
    """One deal: title, contact, value and expected close."""

    def __init__(self, row) -> None:
        super().__init__(classes="deal-card")
        self.row = row
        self.deal_id = row.deal.id
        self.contact_id = row.deal.contact_id

    def compose(self) -> ComposeResult:
        d = self.row.deal
        text = Text(clean(d.title), style="bold", overflow="ellipsis", no_wrap=True)
        who = clean(self.row.contact or self.row.company)
        if who:
            text.append("\n" + who, style="")
        text.append(clean("\n" + amount(d.value_minor, d.currency), multiline=True))
        if d.expected_close and d.stage not in ("won", "lost"):
            text.append(f"\nclose {d.expected_close.isoformat()}", style="dim")
        if d.stage == "lost" and d.lost_reason:
            text.append(f"\n{clean(d.lost_reason)}", style="italic")
        yield Label(text)


class StageColumn(Vertical):
    """A stage: its count and totals in the border, and its first cards; more cards are
    asked for (`WantsMore`) as the highlight nears the last one loaded."""

    @dataclass
    class WantsMore(Message):
        column: StageColumn
        offset: int

    def __init__(self, stage: str) -> None:
        super().__init__(classes="stage-column", id=f"stage-{stage}")
        self.stage = stage
        self.border_title = stage
        self.count = 0
        self._asking = False

    def compose(self) -> ComposeResult:
        yield ListView(id=f"deals-{self.stage}")

    @property
    def list(self) -> ListView:
        return self.query_one(ListView)

    @property
    def loaded(self) -> int:
        return len(self.list.children)

    def show_total(self, column) -> None:
        """The header: `StageTotal` (count, totals per currency)."""
        self.count = column.count
        self.border_title = f"{self.stage} ({column.count:,})"
        self.border_subtitle = totals(column.total)

    async def show(self, column, rows) -> None:
        """The header and the first page of cards, replacing what was shown."""
        self.show_total(column)
        self._asking = False
        view = self.list
        await view.clear()
        await view.extend(DealCard(row) for row in rows)

    async def add_page(self, offset: int, rows) -> None:
        self._asking = False
        if offset == self.loaded:
            await self.list.extend(DealCard(row) for row in rows)

    def on_mount(self) -> None:
        self.watch(self.list, "scroll_y", self._scrolled, init=False)

    def _scrolled(self, y: float) -> None:
        if y >= self.list.max_scroll_y - 2:
            self._ask()

    @on(ListView.Highlighted)
    def _near_end(self, event: ListView.Highlighted) -> None:
        index = self.list.index
        if index is not None and index >= self.loaded - NEAR_END:
            self._ask()

    def _ask(self) -> None:
        if not self._asking and self.loaded < self.count:
            self._asking = True
            self.post_message(self.WantsMore(self, self.loaded))
