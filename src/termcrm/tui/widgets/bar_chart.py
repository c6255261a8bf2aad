"""A horizontal bar chart in text: one labelled bar per row, scaled to the widest value."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

BLOCKS = " ▏▎▍▌▋▊▉█"


def bar(value: float, most: float, width: int) -> str:
    """A bar of eighth blocks, `width` cells for `most`."""
    if most <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value / most * width * 8))
    full, rest = divmod(eighths, 8)
    return "█" * full + (BLOCKS[rest] if rest else "")


class BarChart(Static):
    """Rows of (label, value, shown value); `update_bars` redraws it."""

    DEFAULT_CSS = """
    BarChart { height: auto; }
    """

    def __init__(self, title: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.border_title = title
        self.rows: list[tuple[str, float, str]] = []
        #: (rows, width) of what is drawn
        self._drawn: tuple[list, int] | None = None

    def update_bars(self, rows: list[tuple[str, float, str]]) -> None:
        self.rows = rows
        self._draw()

    def on_resize(self) -> None:
        """Bars scale with the width: a new height (the bars arriving) changes none of them,
        and drawing them again would only lay the screen out once more."""
        self._draw()

    def _draw(self) -> None:
        drawn = (self.rows, self.content_region.width)
        if drawn == self._drawn:
            return
        self._drawn = drawn
        if not self.rows:
            self.update(Text("nothing yet", style="dim"))
            return
        label_w = max(len(label) for label, _, _ in self.rows)
        shown_w = max(len(shown) for _, _, shown in self.rows)
        width = max(4, self.content_region.width - label_w - shown_w - 4)
        most = max(v for _, v, _ in self.rows)
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True, style="bold")
        grid.add_column(no_wrap=True, justify="right")
        for label, value, shown in self.rows:
            grid.add_row(label, bar(value, most, width), shown)
        self.update(grid)
