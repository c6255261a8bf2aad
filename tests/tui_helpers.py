"""Shared by the TUI tests: a seeded small database and waiting for the app."""

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


async def wait_for(pilot, condition: Callable[[], object], timeout: float = 5.0) -> None:
    """Let the app run until `condition()` is true (workers finish in their own time)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        if loop.time() > end:
            raise AssertionError("the app did not get there in time")
        await pilot.pause(0.02)


def text_of(widget) -> str:
    """What a Static shows, as plain text."""
    import io

    from rich.console import Console

    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    console.print(widget.content)
    return console.export_text()
