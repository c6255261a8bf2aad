"""What opening the agenda and the dashboard costs, counted rather than timed (#17): one read
per visit, no widget rebuilt when nothing changed, no stylesheet re-parsed on a switch."""

from __future__ import annotations

from collections import Counter

import pytest
from textual.widgets import DataTable
from textual.widgets._footer import FooterKey
from tui_helpers import clock, settled, wait_for

from termcrm.tui.screens.agenda import AgendaScreen
from termcrm.tui.screens.base import DataScreen
from termcrm.tui.screens.contacts import ContactsScreen
from termcrm.tui.screens.dashboard import DashboardScreen
from termcrm.tui.widgets.footer import CrmFooter

SCREENS = {"3": AgendaScreen, "4": DashboardScreen}


@pytest.fixture
def calls(monkeypatch) -> Counter:
    """How often each screen read its data, got it back, and redrew it."""
    seen: Counter = Counter()

    def spy(name: str) -> None:
        original = getattr(DataScreen, name)

        def counted(self, *args, **kwargs):
            seen[type(self).__name__, name] += 1
            return original(self, *args, **kwargs)

        monkeypatch.setattr(DataScreen, name, counted)

    for name in ("reload", "_loaded"):
        spy(name)
    for cls in SCREENS.values():
        original_show = cls.show

        def show(self, data, _original=original_show):
            seen[type(self).__name__, "show"] += 1
            return _original(self, data)

        monkeypatch.setattr(cls, "show", show)
    return seen


def shown(app, key: str) -> bool:
    screen = app.screen
    if not isinstance(screen, SCREENS[key]) or not screen.is_mounted:
        return False  # not there yet, or its widgets not composed yet
    if key == "3":
        return bool(screen.query_one("#agenda-overdue", DataTable).row_count)
    return "The last 30 days" in str(screen.query_one("#period").render())


async def visit(app, pilot, key: str, calls: Counter, *, loads: int, full: bool = True) -> None:
    """Switch to the screen of `key` and wait until its `loads`-th read came back (and,
    when `full`, its first rows or figures are shown)."""
    await pilot.press(key)
    name = SCREENS[key].__name__
    await wait_for(
        pilot,
        lambda: calls[name, "_loaded"] >= loads and (not full or shown(app, key)),
        timeout=20,  # a loaded test machine: the read's time is not what is tested here
    )


@pytest.mark.parametrize("key", ["3", "4"])
async def test_one_read_per_visit_and_no_redraw_when_nothing_changed(app, pages, calls, key):
    name = SCREENS[key].__name__
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        await visit(app, pilot, key, calls, loads=1)
        # Textual resumes a mode's new screen twice: still one read, drawn once
        assert calls[name, "reload"] == 1 and calls[name, "show"] == 1
        await pilot.press("1")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactsScreen))
        with clock("2026-11-18T10:00:05+01:00"):  # a few seconds on: it would look the same
            await visit(app, pilot, key, calls, loads=2)
        assert calls[name, "reload"] == 2  # read again: another program may have written
        assert calls[name, "show"] == 1  # the same figures: nothing rebuilt or redrawn


async def test_a_change_is_shown_on_the_next_visit(app, pages, calls, store):
    from sqlmodel import select

    from termcrm.services import tasks
    from termcrm.store.models import Task

    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        await visit(app, pilot, "3", calls, loads=1)
        await pilot.press("1")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactsScreen))
        with store.write() as s:  # another program marks the overdue task done
            task = s.exec(select(Task).where(Task.title == "Call about the audit")).one()
            tasks.complete_task(s, task.id)
        await visit(app, pilot, "3", calls, loads=2, full=False)
        assert calls["AgendaScreen", "show"] == 2
        table = app.screen.query_one("#agenda-overdue", DataTable)
        assert table.row_count == 0 and not table.display


async def test_switching_screens_parses_no_stylesheet_again(app, pages, calls):
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        parsed = Counter()
        stylesheet = app.stylesheet
        reparse = stylesheet.reparse

        def counted_reparse() -> None:
            parsed["reparse"] += 1
            reparse()

        stylesheet.reparse = counted_reparse
        await visit(app, pilot, "3", calls, loads=1)
        await visit(app, pilot, "4", calls, loads=1)
        await visit(app, pilot, "3", calls, loads=2)
        await visit(app, pilot, "4", calls, loads=2)
        assert parsed["reparse"] == 0  # Textual re-parsed every stylesheet, twice a new screen


async def test_the_footer_keeps_its_keys_while_they_stay_the_same(app, pages, calls):
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        await visit(app, pilot, "3", calls, loads=1)
        footer = app.screen.query_one(CrmFooter)
        await wait_for(pilot, lambda: len(footer.query(FooterKey)) > 2)
        keys = list(footer.query(FooterKey))
        await pilot.press("tab")  # another table: the focus and the bindings change
        await wait_for(
            pilot, lambda: app.focused is not None and app.focused.id != "agenda-overdue"
        )
        await pilot.press("1")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactsScreen))
        await visit(app, pilot, "3", calls, loads=2)
        await settled(pilot)  # a footer rebuilt after the refresh would show here
        assert list(footer.query(FooterKey)) == keys  # the same widgets, not rebuilt
        assert [k.description for k in keys][:2] == ["Help", "Quit"]


async def statements_of_first_visit(app, pilot, calls, monkeypatch, key: str) -> list[str]:
    """The SQL statements the screen of `key` runs in its read (its worker thread only: the
    app's own background work is left out) on the first visit."""
    import threading

    from sqlalchemy import event

    screen = SCREENS[key]
    inside = threading.local()  # set while the screen's own read runs (thread ids are reused)
    original = screen.loader

    def loader(self):
        job = original(self)

        def tracked(session):
            inside.job = True
            try:
                return job(session)
            finally:
                inside.job = False

        return tracked

    monkeypatch.setattr(screen, "loader", loader)
    statements: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:
        if getattr(inside, "job", False):
            statements.append(statement)

    event.listen(app.store.engine, "before_cursor_execute", seen)
    try:
        await visit(app, pilot, key, calls, loads=1)
    finally:
        event.remove(app.store.engine, "before_cursor_execute", seen)
    return [s for s in statements if not s.startswith("BEGIN")]


async def test_the_dashboard_reads_only_the_figures_it_shows(app, pages, calls, monkeypatch):
    """The current period and the sections of its panels: 13 statements on this data, where
    the whole report (`termcrm report`, with the previous period) takes 21."""
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        mine = await statements_of_first_visit(app, pilot, calls, monkeypatch, "4")
    assert 0 < len(mine) <= 13
    assert not any("FROM cases" in s for s in mine)  # no panel shows the service figures


async def test_the_agenda_reads_only_the_sections_it_shows(app, pages, calls, monkeypatch):
    """No open cases on this screen: their list and count are not read."""
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        mine = await statements_of_first_visit(app, pilot, calls, monkeypatch, "3")
    assert any("FROM tasks" in s for s in mine)
    assert not any("FROM cases" in s for s in mine)
