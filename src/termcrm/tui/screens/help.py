"""`?`: the keys of the screen below, generated from its bindings."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from termcrm.tui.widgets.footer import CrmFooter


class HelpScreen(ModalScreen[None]):
    """Every key bound on the screen below and in the app, with what it does."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")]

    def __init__(self, below: Screen) -> None:
        super().__init__(classes="dialog-screen")
        self.below = below

    def compose(self) -> ComposeResult:
        here, everywhere = Table.grid(padding=(0, 2)), Table.grid(padding=(0, 2))
        for table in (here, everywhere):
            table.add_column(style="bold", no_wrap=True, min_width=8)
            table.add_column()
        seen = set()
        for key, active in self.below.active_bindings.items():
            b = active.binding
            # termcrm's own bindings carry ids; the stock widgets' moves are summed up below
            if not b.id or not b.description or (b.action, key) in seen:
                continue
            seen.add((b.action, key))
            shown = b.key_display or self.app.get_key_display(b)
            target = everywhere if active.node is self.app else here
            target.add_row(shown, b.tooltip or b.description)
        everywhere.add_row("ctrl+p", "Command palette: every action by name")
        everywhere.add_row("arrows", "Move; pgup/pgdn and home/end jump; tab next field")
        with Vertical(classes="dialog help"):
            yield Label("Keys", classes="form-title")
            with VerticalScroll():
                yield Label("On this screen", classes="hint")
                yield Static(here)
                yield Label("\nEverywhere", classes="hint")
                yield Static(everywhere)
            yield Label("escape closes · the mouse works too", classes="hint")
        yield CrmFooter()
