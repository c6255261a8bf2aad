"""The full-screen app: four screens (modes) over one database, switched with 1-4.

Nothing here imports the domain layer (SQLAlchemy, the models) at module level: started
with `first_page_from=PATH` (the fast path of `termcrm tui`, see `tui/launch.py`), the
first page of contacts is read with sqlite3 alone (`termcrm.firstpage`) and shown while a
worker opens the store; otherwise the first worker that needs the store opens it.

For scripts and benchmarks: `CrmApp(db_target=...)` runs on that database; the contacts
table posts `ContactTable.PageShown(rows, total)` each time it shows new results (watch for
it with `run_test(message_hook=...)`).
"""

from __future__ import annotations

import asyncio
import gc
import threading
import time
import weakref
from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import get_current_worker

from termcrm import firstpage
from termcrm.errors import TermcrmError
from termcrm.tui.commands import CrmCommands
from termcrm.tui.screens.contacts import ContactsScreen
from termcrm.tui.widgets.contact_table import ContactTable

if TYPE_CHECKING:
    from termcrm.store.engine import Store


def _screen(module: str, name: str) -> Screen:
    """A new screen of `termcrm.tui.screens.<module>`, imported when first shown (the
    contact list, the first screen, is on screen sooner without them)."""
    from importlib import import_module

    return getattr(import_module(f"termcrm.tui.screens.{module}"), name)()


#: the cyclic collector's thresholds once the app is loaded (Python's: 700, 10, 10)
GC_THRESHOLDS = (50_000, 20, 100)


class CrmApp(App[None]):
    """termcrm's TUI."""

    CSS_PATH = "app.tcss"
    TITLE = "termcrm"
    COMMANDS = App.COMMANDS | {CrmCommands}
    MODES = {
        "contacts": ContactsScreen,
        "pipeline": lambda: _screen("pipeline", "PipelineScreen"),
        "agenda": lambda: _screen("agenda", "AgendaScreen"),
        "dashboard": lambda: _screen("dashboard", "DashboardScreen"),
    }
    DEFAULT_MODE = "contacts"
    #: `m` on the contacts, pipeline and agenda: only the acting user's records, on each
    mine = False
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
        first_page_from: str | firstpage.Ahead | None = None,
    ) -> None:
        super().__init__()
        self.db_target = db_target
        self._store = store
        #: the first page of the SQLite file, read by `termcrm.firstpage` (taken once), or None
        self.first_page_from = (
            firstpage.Ahead(first_page_from)
            if isinstance(first_page_from, str)
            else first_page_from
        )
        self._store_lock = threading.Lock()
        self._actor = actor
        self.refresh_every = refresh_every
        self._index_tidied = False
        #: keys that came while a screen was still opening, and the screens ready for keys
        self._held_keys: list[events.Key] = []
        self._releasing = False
        self._released: set[int] = set()
        self._settled: weakref.WeakSet[Screen] = weakref.WeakSet()

    # -- the database: opened once, by the first worker that needs it --------------------

    @property
    def store(self) -> Store:
        with self._store_lock:
            if self._store is None:
                from termcrm.store.engine import open_store

                self._store = open_store(self.db_target, memory_map=False)
            return self._store

    @property
    def actor(self) -> str:
        from termcrm.paths import current_user

        return current_user(self._actor)

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        self.set_timer(5.0, gc.enable)  # whatever happens, the collector is on again soon
        if self.refresh_every:
            self.set_interval(self.refresh_every, self.action_reload)
            self.set_interval(self.refresh_every, self.update_search_index)

    @on(ContactTable.PageShown)
    def _contacts_shown(self, message: ContactTable.PageShown) -> None:
        """Once the first contacts and their count are on screen, tidy the search index."""
        if message.total is not None and not self._index_tidied:
            self._index_tidied = True
            self._open_store()
            self.set_timer(1.0, self.update_search_index)

    @work(thread=True, exclusive=True, group="open-store")
    def _open_store(self) -> None:
        """Open the store (importing the domain layer) right after the first page is shown,
        so the first search or screen does not wait for it; and empty the expired trash, as
        every command does when it opens the store."""
        try:
            store = self.store
            from termcrm.services import pager, search, trash  # noqa: F401  (a search's needs)

            trash.purge_if_due(store)
        except TermcrmError:
            self._loaded()
            return  # said again, in full, by the first action that needs the store
        # the other screens' code, while the user reads the list: their first visit then
        # costs only their data (the board opened ~50 ms later without)
        from importlib import import_module

        for module in ("pipeline", "agenda", "dashboard", "contact_detail"):
            import_module(f"termcrm.tui.screens.{module}")
        from termcrm.services import agenda, board, kpis  # noqa: F401

        self._loaded()

    def _loaded(self) -> None:
        """The libraries and the app are loaded: their objects live as long as the app, so
        the cyclic collector need not rescan them on every full collection (tens of ms,
        which a keystroke would wait for); and the collector, which `tui.launch` turns off
        for the start-up, is back on (`on_mount` also sets a timer for that, should the
        first page never come). Frozen only when not headless: tests run many apps in one
        process."""
        if not self.is_headless:
            gc.freeze()
            # opening a screen makes ~100,000 short-lived objects (widgets, styles, strips):
            # at Python's default thresholds that ran dozens of collections, and with the
            # heap frozen a full one comes often, while the person waits (the board opened
            # ~50 ms later). Collections still come, only less often.
            gc.set_threshold(*GC_THRESHOLDS)
        gc.enable()

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

    # -- keys typed while a screen opens ------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        """Keys reach what the keys before them opened.

        A pushed screen is current at once, but its widgets are mounted and its first field
        focused a moment later, and a key is routed before the one before it has had its
        effect; `t` then typing at once sent the first letters to the list, and the new
        task's title stayed empty. So the keys queue up and are handed on one at a time
        (`_release_keys`): a key pressed alone goes on at once.
        """
        if isinstance(event, events.Key) and not event.is_forwarded:
            if id(event) in self._released:
                self._released.discard(id(event))
            else:
                self._held_keys.append(event)
                if not self._releasing:
                    self._releasing = True
                    self.run_worker(self._release_keys(), group="held-keys")
                return
        await super().on_event(event)

    async def _flushed(self, node) -> None:
        """Wait until `node` has handled what its queue holds now; not for a node that is
        closing (a screen the key closed never answers: the next key waited a whole second
        for it, the board opened 1 s late after escape from a contact)."""

        def gone() -> bool:
            return node._closing or node._closed or not node.is_attached

        if gone():
            return
        done = asyncio.get_running_loop().create_future()
        node.call_later(lambda: done.done() or done.set_result(None))
        deadline = asyncio.get_running_loop().time() + 1.0
        while not done.done() and not gone():
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                return
            await asyncio.wait({done}, timeout=min(0.01, left))

    async def _release_keys(self) -> None:
        """Hand the held keys on one at a time, each once the one before has had its effect
        (a key reaches the app, the focused widget, its parents, and the app's bindings
        again: `t` opens the task form only then, and the next key must go to the form)."""
        try:
            await self._release_held()
        finally:
            self._releasing = False

    async def _release_held(self) -> None:
        while self._held_keys:
            while not (screen := self.screen).is_mounted:
                await asyncio.sleep(0.002)
            await self._flushed(self)  # the new screen's focus (a call on the app) lands
            if screen is not self.screen:
                continue  # it opened another one meanwhile
            self._settled.add(screen)
            key = self._held_keys.pop(0)
            target = self.focused or screen
            path = [target, *(n for n in target.ancestors if n is not self)]
            path = path[: path.index(screen) + 1] if screen in path else path
            self._released.add(id(key))
            self.post_message(key)
            await self._flushed(self)  # routed
            for node in path:
                await self._flushed(node)  # handled, or passed on to the parent
            await self._flushed(self)  # the app's bindings ran (they may open a screen)

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

    def open_record(self, kind: str, record_id: int, contact_id: int | None) -> None:
        """Open a record found in the command palette: a contact, or a deal's contact on
        its Deals tab."""
        from termcrm.tui.screens.contact_detail import ContactDetailScreen

        if kind == "contact":
            self.push_screen(ContactDetailScreen(record_id))
        elif contact_id is not None:
            self.push_screen(ContactDetailScreen(contact_id, tab="deals"))
        else:
            self.switch_mode("pipeline")

    async def action_quit(self) -> None:
        """Quit; with a form holding what the user typed, ask first (as escape does)."""
        from termcrm.tui.modals.form import FormScreen

        for screen in reversed(self.screen_stack):
            if isinstance(screen, FormScreen):
                screen.leave(self.exit)
                return
        self.exit()

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
