"""`?`: the keys of the screen below, generated from its bindings."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static


class HelpScreen(ModalScreen[None]):
    """Every key bound on the screen below and in the app, with what it does."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")]

    def __init__(self, below: Screen) -> None:
        super().__init__(classes="dialog-screen")
        self.below = below

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        seen = set()
        for key, active in self.below.active_bindings.items():
            b = active.binding
            if not b.description or (b.action, key) in seen:
                continue
            seen.add((b.action, key))
            shown = b.key_display or self.app.get_key_display(b)
            table.add_row(shown, b.tooltip or b.description)
        table.add_row("ctrl+p", "Command palette: every action by name")
        with Vertical(classes="dialog help"):
            yield Label("Keys", classes="form-title")
            with VerticalScroll():
                yield Static(table)
            yield Label("escape closes · the mouse works too", classes="hint")
