"""Screen 2: the pipeline board (filled in below once the deals service exists)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer, Header, Static

from termcrm.tui.screens.base import CrmScreen


class PipelineScreen(CrmScreen):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("The pipeline needs the deals service.", id="board")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Pipeline"
