"""Shared by the TUI tests: a seeded small database and waiting for the app.

The fixtures built on these (`ids`, `app`, `pages`) are in conftest.py. Tests wait for
what the app does (a message, a screen, a row), never for a fixed time.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from contextlib import contextmanager

from termcrm.services import companies, contacts, deals, interactions, tasks
from termcrm.store.engine import Store


@contextmanager
def clock(iso: str):
    """Run with the frozen clock at another moment (records made then are that old)."""
    before = os.environ.get("TERMCRM_NOW")
    os.environ["TERMCRM_NOW"] = iso
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TERMCRM_NOW", None)
        else:
            os.environ["TERMCRM_NOW"] = before


def seed(store: Store, *, me: str = "tester", colleague: str = "mia") -> dict[str, int]:
    """A small fixed data set: four contacts at three companies (added in August, so some
    go cold), interactions, tasks and deals. The clock is the tests' frozen one. `me` and
    `colleague` own them (on PostgreSQL owners are team members)."""
    with clock("2026-08-03T09:00:00+02:00"), store.write() as s:
        companies.add_company(s, "Analytical Engines", domain="engines.example")
        ada = contacts.add_contact(
            s, "Ada Lovelace", email="ada@engines.example", company="Analytical Engines",
            title="Mathematician", tags=["vip"], stage="customer", owner=me,
        )  # fmt: skip
        grace = contacts.add_contact(
            s, "Grace Hopper", email="grace@navy.example", company="US Navy",
            stage="prospect", owner=me, tags=["partner"],
        )  # fmt: skip
        alan = contacts.add_contact(s, "Alan Turing", email="alan@bletchley.example",
                                    company="Bletchley Park", owner=colleague)  # fmt: skip
        linus = contacts.add_contact(s, "Linus Torvalds", stage="lead", owner=colleague)
        d1 = deals.add_deal(s, "Engine licences", contact=ada, value="12000", close="2026-12-15",
                            actor=me)  # fmt: skip
        deals.add_deal(s, "Compiler support", contact=grace, value="4500.50", stage="proposal",
                       currency="USD", actor=me)  # fmt: skip
        deals.add_deal(s, "Kernel audit", contact=linus, value="800", stage="negotiation",
                       close="2026-11-20", actor=me)  # fmt: skip
    with store.write() as s:
        ada, grace = s.merge(ada), s.merge(grace)
        tasks.add_task(s, "Send the proposal", due="2026-11-20", contact=ada, actor=me)
        tasks.add_task(s, "Call about the audit", due="2026-11-16", contact=grace, actor=me)
        interactions.log_interaction(s, ada, "call", "Discussed the engine", when="2026-11-12 15:00",
                                     direction="out", actor=me)  # fmt: skip
        interactions.log_interaction(s, ada, "email", "Sent the notes", when="2026-11-13 09:30",
                                     actor=me)  # fmt: skip
    return {"ada": ada.id, "grace": grace.id, "alan": alan.id, "linus": linus.id,
            "deal": d1.id}  # fmt: skip


class Pages:
    """Records every `ContactTable.PageShown` the app posts: pass it as run_test's
    `message_hook`. A message bubbles (table, screen, app): each is recorded once."""

    def __init__(self) -> None:
        self.shown: list = []
        self._ids: set[int] = set()

    def __call__(self, message) -> None:
        from termcrm.tui.widgets.contact_table import ContactTable

        if isinstance(message, ContactTable.PageShown) and id(message) not in self._ids:
            self._ids.add(id(message))
            self.shown.append(message)

    @property
    def table(self):
        """The contacts table that posted the last page."""
        return self.shown[-1].table

    @property
    def count(self) -> int:
        return len(self.shown)

    async def ready(self, pilot, *, after: int = 0, timeout: float = 20.0):
        """Wait for a page with its total (after the first `after` pages); the table."""
        await wait_for(
            pilot,
            lambda: any(m.total is not None for m in self.shown[after:]),
            timeout=timeout,
        )
        return self.table


async def wait_for(pilot, condition: Callable[[], object], timeout: float = 20.0) -> None:
    """Let the app run until `condition()` is true (workers finish in their own time).

    The timeout only bounds a failing test: a busy CI machine may take seconds to get
    there, and a passing test waits no longer for a generous bound."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        if loop.time() > end:
            raise AssertionError("the app did not get there in time")
        await pilot.pause(0.02)


def showing(app, kind) -> bool:
    """The current screen is a `kind` and is mounted, its widgets with it. A pushed screen
    is current at once and composed a moment later: a test that queries its widgets, or
    ends and takes the app down, in between finds nothing or breaks the screen's mount."""
    screen = app.screen
    return isinstance(screen, kind) and screen.is_mounted


def counted(table) -> bool:
    """The contacts table's total is that of its current results. A new search keeps the
    old total (and the old rows) until its own count comes back: `total == 3` can still be
    the previous filter's three."""
    return table.total is not None and table._count_request == table._request


def busy_workers(app) -> list:
    """The app's workers still pending or running (database reads, palette searches)."""
    from textual.worker import WorkerState

    return [w for w in app.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING)]


async def settled(pilot, timeout: float = 20.0) -> None:
    """Let the app come to rest: no worker left to finish, no animation, and the screen
    repainted after that (what a snapshot or a last assertion should see)."""
    await wait_for(pilot, lambda: not busy_workers(pilot.app), timeout=timeout)
    await pilot.wait_for_scheduled_animations()
    await pilot.app.screen.wait_for_refresh()
    await pilot.pause()


def palette_options(palette) -> list[str]:
    """The first line of each option the command palette lists now."""
    from textual.command import CommandList, CommandPalette

    if not isinstance(palette, CommandPalette):
        return []
    lists = palette.query(CommandList)
    if not lists:
        return []  # still being put together
    options = lists.first()
    return [str(options.get_option_at_index(i).prompt).split("\n")[0]
            for i in range(options.option_count)]  # fmt: skip


def palette_highlights(palette, typed: str, first_line: str) -> bool:
    """The palette has searched for all of `typed` and its highlighted option (what enter
    runs) begins with `first_line`."""
    from textual.command import CommandList

    if not palette_searched(palette, typed):
        return False
    lists = palette.query(CommandList)
    if not lists or lists.first().highlighted is None:
        return False
    option = lists.first().get_option_at_index(lists.first().highlighted)
    return str(option.prompt).split("\n")[0] == first_line


def palette_searched(palette, typed: str) -> bool:
    """The palette has searched for all of `typed` and listed what it found (its search
    runs in a worker, restarted on each key)."""
    from textual.widgets import Input

    boxes = palette.query(Input)
    if not boxes or boxes.first().value != typed:
        return False
    return not any(w.node is palette for w in busy_workers(palette.app))


def text_of(widget) -> str:
    """What a Static shows, as plain text."""
    import io

    from rich.console import Console

    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    console.print(widget.content)
    return console.export_text()
