"""The pipeline board's parts: a column per stage holding deal cards."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, ListItem, ListView

from termcrm.render.money import amount, totals


class DealCard(ListItem):
    """One deal: title, contact, value and expected close."""

    def __init__(self, row) -> None:
        super().__init__(classes="deal-card")
        self.row = row
        self.deal_id = row.deal.id
        self.contact_id = row.deal.contact_id

    def compose(self) -> ComposeResult:
        d = self.row.deal
        text = Text(d.title, style="bold", overflow="ellipsis", no_wrap=True)
        who = self.row.contact or self.row.company or ""
        if who:
            text.append("\n" + who, style="")
        text.append("\n" + amount(d.value_minor, d.currency))
        if d.expected_close and d.stage not in ("won", "lost"):
            text.append(f"\nclose {d.expected_close.isoformat()}", style="dim")
        if d.stage == "lost" and d.lost_reason:
            text.append(f"\n{d.lost_reason}", style="italic")
        yield Label(text)


class StageColumn(Vertical):
    """A stage: its deals, and its count and total in the border."""

    def __init__(self, stage: str) -> None:
        super().__init__(classes="stage-column", id=f"stage-{stage}")
        self.stage = stage
        self.border_title = stage

    def compose(self) -> ComposeResult:
        yield ListView(id=f"deals-{self.stage}")

    @property
    def list(self) -> ListView:
        return self.query_one(ListView)

    async def show(self, column) -> None:
        self.border_title = f"{column.stage} ({column.count})"
        self.border_subtitle = totals(column.total)
        view = self.list
        await view.clear()
        await view.extend(DealCard(row) for row in column.deals)
