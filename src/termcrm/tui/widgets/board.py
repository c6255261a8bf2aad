"""The pipeline board's parts: a column per stage holding deal cards, a page at a time.

A column's cards are the options of one `OptionList` (`DealList`), not a widget each: Textual
lays out and styles every widget it mounts, and a board of seven columns of thirty
two-widget cards cost about 1 s to open; options are only rendered as lines when they scroll
into view.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from termcrm.render.money import amount, totals
from termcrm.render.safe import clean

#: load the next page of cards when the highlight comes this close to the last one loaded
NEAR_END = 5


def card(row) -> Text:
    """One deal as a card: title, contact (or company), value, expected close or lost reason."""
    d = row.deal
    text = Text(clean(d.title), style="bold", overflow="ellipsis", no_wrap=True)
    who = clean(row.contact or row.company)
    if who:
        text.append("\n" + who, style="")
    text.append(clean("\n" + amount(d.value_minor, d.currency), multiline=True))
    if d.expected_close and d.stage not in ("won", "lost"):
        text.append(f"\nclose {d.expected_close.isoformat()}", style="dim")
    if d.stage == "lost" and d.lost_reason:
        text.append(f"\n{clean(d.lost_reason)}", style="italic")
    return text


def _options(rows):
    """The options of `rows`, each followed by a divider line."""
    for row in rows:
        yield Option(card(row), id=f"deal-{row.deal.id}")
        yield None


class DealList(OptionList):
    """A column's cards: `rows` (`services.deals.DealRow`) in the order shown."""

    def __init__(self, stage: str) -> None:
        super().__init__(id=f"deals-{stage}")
        self.rows: list = []

    @property
    def highlighted_row(self):
        """The deal row under the highlight, or None."""
        index = self.highlighted
        return self.rows[index] if index is not None and index < len(self.rows) else None

    @property
    def titles(self) -> list[str]:
        return [r.deal.title for r in self.rows]

    def show(self, rows) -> None:
        """Replace the cards; the highlight stays where it was (the first card at first), so
        a column always has a selected deal, as a list view has."""
        was = self.highlighted
        self.rows = list(rows)
        self.set_options(_options(self.rows))
        if self.rows:
            self.highlighted = min(was or 0, len(self.rows) - 1)

    def extend(self, rows) -> None:
        shown = {r.deal.id for r in self.rows}
        rows = [r for r in rows if r.deal.id not in shown]
        self.rows.extend(rows)
        self.add_options(_options(rows))

    def index_of(self, deal_id: int) -> int | None:
        for index, row in enumerate(self.rows):
            if row.deal.id == deal_id:
                return index
        return None

    def remove_deal(self, deal_id: int) -> None:
        index = self.index_of(deal_id)
        if index is not None:
            del self.rows[index]
            self.remove_option_at_index(index)

    def put_first(self, row) -> None:
        """`row` as the first card (a deal just moved here), highlighted."""
        self.remove_deal(row.deal.id)
        self.show([row, *self.rows])
        self.highlighted = 0


class StageColumn(Vertical):
    """A stage: its count and totals in the border, and its first cards; more cards are
    asked for (`WantsMore`) as the highlight or the scroll nears the last one loaded."""

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
        self._list = DealList(stage)

    def compose(self) -> ComposeResult:
        yield self._list

    @property
    def list(self) -> DealList:
        return self._list

    @property
    def loaded(self) -> int:
        return len(self._list.rows)

    def show_total(self, column) -> None:
        """The header: `StageTotal` (count, totals per currency)."""
        self.count = column.count
        self.border_title = f"{self.stage} ({column.count:,})"
        self.border_subtitle = totals(column.total)

    def show(self, column, rows) -> None:
        """The header and the first page of cards, replacing what was shown."""
        self.show_total(column)
        self._asking = False
        self._list.show(rows)

    def add_page(self, offset: int, rows) -> None:
        self._asking = False
        if offset == self.loaded:
            self._list.extend(rows)

    def on_mount(self) -> None:
        self.watch(self._list, "scroll_y", self._scrolled, init=False)

    def _scrolled(self, y: float) -> None:
        if y >= self._list.max_scroll_y - 2:
            self._ask()

    @on(OptionList.OptionHighlighted)
    def _near_end(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index >= self.loaded - NEAR_END:
            self._ask()

    def _ask(self) -> None:
        if not self._asking and self.loaded < self.count:
            self._asking = True
            self.post_message(self.WantsMore(self, self.loaded))
