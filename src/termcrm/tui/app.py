"""The full-screen app: four screens (modes) over one database, switched with 1-4.

The domain layer (SQLAlchemy) is imported with this module, not when the app starts, so
the first page is on screen quickly; `termcrm tui` imports this module only when it runs.

For scripts and benchmarks: `CrmApp(db_target=...)` runs on that database, and
`app.contacts_ready` turns True once the contacts table shows its first page and the
total count (`app.contacts_ready_at - app.created_at` is how long that took, in seconds of
`time.perf_counter()`; after each later reload it stays True; `app.contacts_loading` is True while a
page is being fetched). `app.contacts_table` is the table widget.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import get_current_worker

from termcrm.errors import TermcrmError
from termcrm.store.engine import open_store
from termcrm.tui.commands import CrmCommands
from termcrm.tui.screens.agenda import AgendaScreen
from termcrm.tui.screens.contacts import ContactsScreen
from termcrm.tui.screens.dashboard import DashboardScreen
from termcrm.tui.screens.pipeline import PipelineScreen

if TYPE_CHECKING:
    from termcrm.store.engine import Store
    from termcrm.tui.widgets.contact_table import ContactTable


class CrmApp(App[None]):
    """termcrm's TUI."""

    CSS_PATH = "app.tcss"
    TITLE = "termcrm"
    COMMANDS = App.COMMANDS | {CrmCommands}
    MODES = {
        "contacts": ContactsScreen,
        "pipeline": PipelineScreen,
        "agenda": AgendaScreen,
        "dashboard": DashboardScreen,
    }
    DEFAULT_MODE = "contacts"
    BINDINGS = [
        Binding(
            "1",
            "switch_mode('contacts')",
            "Contacts",
            id="screen.contacts",
            tooltip="Go to the contacts",
        ),
        Binding(
            "2",
            "switch_mode('pipeline')",
            "Pipeline",
            id="screen.pipeline",
            tooltip="Go to the pipeline board",
        ),
        Binding(
            "3",
            "switch_mode('agenda')",
            "Agenda",
            id="screen.agenda",
            tooltip="Go to the agenda: tasks due and contacts going cold",
        ),
        Binding(
            "4",
            "switch_mode('dashboard')",
            "Dashboard",
            id="screen.dashboard",
            tooltip="Go to the KPI dashboard",
        ),
        Binding(
            "r",
            "reload",
            "Refresh",
            id="app.refresh",
            tooltip="Refresh: show what others changed meanwhile",
        ),
        Binding(
            "question_mark",
            "help",
            "Help",
            id="app.help",
            key_display="?",
            tooltip="Help: every key of this screen",
        ),
        Binding(
            "ctrl+t",
            "toggle_theme",
            "Light/dark",
            id="app.theme",
            show=False,
            tooltip="Switch between the light and the dark theme",
        ),
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Quit termcrm"),
    ]

    def __init__(
        self,
        db_target: str | None = None,
        *,
        actor: str | None = None,
        refresh_every: float | None = 30.0,
        store: Store | None = None,
    ) -> None:
        super().__init__()
        #: `time.perf_counter()` when the app was created, and when the contacts were ready
        self.created_at = time.perf_counter()
        self.contacts_ready_at: float | None = None
        self.db_target = db_target
        self._store = store
        self._store_lock = threading.Lock()
        self._actor = actor
        self.refresh_every = refresh_every
        #: True once the contacts table shows its first page and the total count
        self.contacts_ready = False
        #: True while the contacts table fetches a page
        self.contacts_loading = False
        self._contacts_table: ContactTable | None = None

    # -- the database: opened once, by the first worker that needs it --------------------

    @property
    def store(self) -> Store:
        with self._store_lock:
            if self._store is None:
                self._store = open_store(self.db_target, memory_map=False)
            return self._store

    @property
    def actor(self) -> str:
        from termcrm.paths import current_user

        return current_user(self._actor)

    @property
    def contacts_table(self) -> ContactTable:
        """The contacts screen's table (whichever screen is showing)."""
        if self._contacts_table is None:
            raise LookupError("the contacts screen has not been shown yet")
        return self._contacts_table

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        if self.refresh_every:
            self.set_interval(self.refresh_every, self.action_reload)
            self.set_interval(self.refresh_every, self.update_search_index)

    def contacts_shown(self) -> None:
        """Called once the contacts are on screen: then tidy the search index."""
        self.set_timer(1.0, self.update_search_index)

    @work(thread=True, exclusive=True, group="search-index")
    def update_search_index(self) -> None:
        """Fold contacts changed since (by anyone) into the search index, a batch per short
        write transaction, in the background. Searches are right without it, only slower."""
        from termcrm.services import search

        worker = get_current_worker()
        try:
            while not worker.is_cancelled:
                with self.store.write() as session:
                    if not search.refresh_index(session):
                        return
                time.sleep(0.02)  # let other writers and the UI in between batches
        except TermcrmError:
            return  # busy or read-only: the next tick tries again

    def on_unmount(self) -> None:
        if self._store is not None:
            self._store.close()

    # -- actions --------------------------------------------------------------------------

    def action_reload(self) -> None:
        """Reload what the current screen shows (another program may have written)."""
        reload = getattr(self.screen, "reload", None)
        if reload is not None:
            reload()

    def action_help(self) -> None:
        from termcrm.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Light/dark", "Switch between the light and dark theme", self.action_toggle_theme
        )

    def show_error(self, message: str) -> None:
        """A domain error, as the one line the CLI would print."""
        self.notify(message, title="Error", severity="error")

    def notify(self, message: str, *, title: str = "", markup: bool = False, **kwargs) -> None:
        """Every notification quotes stored text ("Done: <title>"), so none reads markup
        and each is neutralised (`termcrm.render.safe`)."""
        from termcrm.render.safe import clean

        super().notify(clean(message, multiline=True), title=clean(title), markup=False, **kwargs)
