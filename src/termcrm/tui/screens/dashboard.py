"""Screen 4: the KPI dashboard (filled in below once the KPI service exists)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer, Header, Static

from termcrm.tui.screens.base import CrmScreen


class DashboardScreen(CrmScreen):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("The dashboard needs the KPI service.", id="dashboard")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Dashboard"
