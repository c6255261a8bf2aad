"""The pipeline board: one column per stage with its cards and totals."""

from __future__ import annotations

from rich.columns import Columns
from rich.console import Group
from rich.panel import Panel
from rich.text import Text

from termcrm.render.money import amount, totals

STAGE_STYLES = {
    "lead": "cyan",
    "qualified": "blue",
    "proposal": "magenta",
    "negotiation": "yellow",
    "won": "green",
    "lost": "red",
}


def board(board, *, cards: int = 8) -> Columns:
    panels = []
    for column in board.columns:
        body = [Text(totals(column.total), style="bold")]
        for row in column.deals[:cards]:
            d = row.deal
            card = Text()
            card.append(f"#{d.id} {d.title}\n", style="bold")
            card.append(f"{row.contact or '-'}\n", style="dim")
            card.append(amount(d.value_minor, d.currency))
            if d.expected_close:
                card.append(f" · {d.expected_close.isoformat()}", style="dim")
            body.append(card)
        if column.count > cards:
            body.append(Text(f"… {column.count - cards} more", style="dim"))
        panels.append(
            Panel(
                Group(*body),
                title=f"{column.stage} ({column.count})",
                border_style=STAGE_STYLES.get(column.stage, "white"),
                width=30,
            )
        )
    return Columns(panels)
