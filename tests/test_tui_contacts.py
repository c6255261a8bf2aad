"""The contacts screen and the contact forms, driven by real keys (Pilot)."""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual.widgets import Input, Static
from tui_helpers import seed, text_of, wait_for

from termcrm.store.models import Contact, ContactTag
from termcrm.tui.app import CrmApp
from termcrm.tui.modals.confirm import ConfirmScreen
from termcrm.tui.modals.contact_form import ContactForm
from termcrm.tui.screens.contact_detail import ContactDetailScreen
from termcrm.tui.screens.contacts import ContactsScreen


@pytest.fixture
def ids(store):
    return seed(store)


@pytest.fixture
def app(db_path, ids):
    return CrmApp(db_target=str(db_path), refresh_every=None)


def contact_named(store, name):
    with store.read() as s:
        return s.exec(select(Contact).where(Contact.name == name)).first()


async def test_lists_contacts_with_count_and_next_task(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.contacts_ready)
        table = app.contacts_table
        assert table.row_count == 4 and table.total == 4
        names = [str(table.get_row_at(i)[0]) for i in range(4)]
        assert names == ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Linus Torvalds"]
        ada = [str(c) for c in table.get_row_at(0)]
        assert ada[1:4] == ["Analytical Engines", "customer", "tester"]
        assert ada[5] == "Send the proposal · 2026-11-20"
        assert "4 contacts" in text_of(app.screen.query_one("#status", Static))


async def test_search_as_you_type_and_open_a_contact(app, ids):
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.contacts_ready)
        table = app.contacts_table
        await pilot.press("slash")
        assert isinstance(app.focused, Input) and app.focused.id == "search"
        await pilot.press(*"hopper")
        await wait_for(pilot, lambda: table.row_count == 1 and table.total == 1)
        assert str(table.get_row_at(0)[0]) == "Grace Hopper"
        await pilot.press("enter", "enter")  # leave the search box, open the row
        await wait_for(pilot, lambda: isinstance(app.screen, ContactDetailScreen))
        assert app.screen.contact_id == ids["grace"]
        await wait_for(pilot, lambda: app.screen.detail is not None)
        profile = text_of(app.screen.query_one("#profile", Static))
        assert "grace@navy.example" in profile and "US Navy" in profile
        await pilot.press("escape")
        assert isinstance(app.screen, ContactsScreen)


async def test_search_finds_tags_and_filters_by_stage(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.contacts_ready)
        table = app.contacts_table
        await pilot.press("slash", *"vip")
        await wait_for(pilot, lambda: table.total == 1)
        assert str(table.get_row_at(0)[0]) == "Ada Lovelace"
        await pilot.press(*["backspace"] * 3)
        await wait_for(pilot, lambda: table.total == 4)
        await pilot.press("tab", *"mia")  # the tag box: nobody is tagged mia
        await wait_for(pilot, lambda: table.total == 0)


async def test_each_search_keystroke_asks_once_and_the_owner_box_filters(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.contacts_ready)
        table = app.contacts_table
        before = table._request
        await pilot.press("slash", *"hop")
        await wait_for(pilot, lambda: table.total == 1)
        assert table._request == before + 3  # watched value, not also its Changed message
        await pilot.press(*["backspace"] * 3)
        await wait_for(pilot, lambda: table.total == 4)
        app.screen.query_one("#owner", Input).focus()
        await pilot.press(*"mia")
        await wait_for(pilot, lambda: table.total == 2)
        assert {str(table.get_row_at(i)[3]) for i in range(2)} == {"mia"}


async def test_a_search_longer_than_its_box_scrolls_along(app):
    """The search box is repainted, not laid out, as it grows (SearchBox): it still scrolls."""
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.contacts_ready)
        box = app.screen.query_one("#search", Input)
        text = "abcdefghij" * 8
        await pilot.press("slash", *text)
        await wait_for(pilot, lambda: app.contacts_table.total == 0)
        await pilot.pause()
        assert box.value == text and box.size.width < len(text)
        assert box.scroll_x > 0
        assert "ghij" in "".join(seg.text for seg in box.render_line(0))


async def test_sort_by_owner_with_the_o_key(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.contacts_ready)
        table = app.contacts_table
        await pilot.press("o", "o", "o")  # name -> company -> stage -> owner
        await wait_for(pilot, lambda: table.sort == "owner" and not app.contacts_loading)
        owners = [str(table.get_row_at(i)[3]) for i in range(4)]
        assert owners == ["mia", "mia", "tester", "tester"]


async def test_add_a_contact(app, store):
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.contacts_ready)
        await pilot.press("n")
        assert isinstance(app.screen, ContactForm)
        assert app.focused.id == "field-name"
        await pilot.press(*"Margaret Hamilton", "tab", *"margaret@nasa.example")
        await pilot.press("tab", "tab", *"NASA", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactDetailScreen))
        margaret = contact_named(store, "Margaret Hamilton")
        assert margaret.email == "margaret@nasa.example"
        assert margaret.owner == "tester"  # the acting user by default
        assert app.screen.contact_id == margaret.id


async def test_edit_a_contact(app, store, ids):
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.contacts_ready)
        await pilot.press("e")  # the first row: Ada
        form = app.screen
        assert isinstance(form, ContactForm)
        await wait_for(pilot, lambda: form.query_one("#field-name", Input).value)
        assert form.query_one("#field-email", Input).value == "ada@engines.example"
        await pilot.press("end", *" King")
        for _ in range(7):
            await pilot.press("tab")
        assert app.focused.id == "field-tags"
        await pilot.press("end", *", pioneer", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactsScreen))
    ada = contact_named(store, "Ada Lovelace King")
    assert ada is not None and ada.id == ids["ada"]
    with store.read() as s:
        tags = s.exec(select(ContactTag.tag).where(ContactTag.contact_id == ada.id)).all()
    assert sorted(tags) == ["pioneer", "vip"]


async def test_invalid_email_stays_open_with_the_input(app, store):
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.contacts_ready)
        await pilot.press("n", *"Bad Email", "tab", *"not-an-email", "ctrl+s")
        form = app.screen
        error = form.query_one("#error-email", Static)
        await wait_for(pilot, lambda: "Invalid email" in text_of(error))
        assert isinstance(app.screen, ContactForm)
        assert error.display
        assert form.query_one("#field-name", Input).value == "Bad Email"
        assert form.query_one("#field-email", Input).value == "not-an-email"
        assert app.focused.id == "field-email"
    assert contact_named(store, "Bad Email") is None


async def test_taken_email_is_shown_next_to_the_email(app, store):
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.contacts_ready)
        await pilot.press("n", *"Ada Two", "tab", *"ADA@engines.example", "ctrl+s")
        error = app.screen.query_one("#error-email", Static)
        await wait_for(pilot, lambda: "exists already" in text_of(error))
    assert contact_named(store, "Ada Two") is None


async def test_cancel_asks_before_dropping_what_was_typed(app, store):
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.contacts_ready)
        await pilot.press("n", "escape")  # nothing typed: closes at once
        assert isinstance(app.screen, ContactsScreen)
        await pilot.press("n", *"Half Typed", "escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep editing
        assert isinstance(app.screen, ContactForm)
        assert app.screen.query_one("#field-name", Input).value == "Half Typed"
        await pilot.press("escape", "y")
        assert isinstance(app.screen, ContactsScreen)
        await pilot.pause(0.2)
    assert contact_named(store, "Half Typed") is None
    with store.read() as s:
        assert len(s.exec(select(Contact)).all()) == 4


async def test_another_program_writing_shows_after_refresh(app, store):
    from termcrm.services import contacts

    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.contacts_ready)
        with store.write() as s:  # as `crm contact add` in another terminal would
            contacts.add_contact(s, "Barbara Liskov", actor="other")
        await pilot.press("r")
        await wait_for(pilot, lambda: app.contacts_table.total == 5)
        names = [str(app.contacts_table.get_row_at(i)[0]) for i in range(5)]
        assert "Barbara Liskov" in names


async def test_mouse_sorts_by_header_and_opens_a_row(app, ids):
    from termcrm.tui.widgets.contact_table import ContactTable

    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.contacts_ready)
        table = app.contacts_table
        await pilot.click(ContactTable, offset=(3, 0))  # the Name header: reverse
        await wait_for(pilot, lambda: table.descending and not app.contacts_loading)
        await wait_for(pilot, lambda: table.get_row_at(0)[0] == "Linus Torvalds")
        await pilot.click(ContactTable, offset=(3, 2))  # the second row: select
        assert table.selected_name == "Grace Hopper"
        await pilot.click(ContactTable, offset=(3, 2))  # again: open
        await wait_for(pilot, lambda: isinstance(app.screen, ContactDetailScreen))
        assert app.screen.contact_id == ids["grace"]


async def test_a_log_from_another_process_shows_after_refresh(app, run_termcrm):
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.contacts_ready)
        assert app.contacts_table.get_row_at(2)[4] == ""  # Grace: never contacted
        result = run_termcrm(
            "log", "call", "Grace", "Phoned from the shell", "--when", "today 9:00"
        )
        assert result.returncode == 0, result.stderr
        await pilot.press("r")
        await wait_for(pilot, lambda: app.contacts_table.get_row_at(2)[4] == "2026-11-18")


@pytest.mark.slow
async def test_a_locked_database_keeps_the_form_open(app, store, db_path):
    import sqlite3

    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.contacts_ready)
        blocker = sqlite3.connect(db_path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        try:
            await pilot.press("n", *"Edsger Dijkstra", "ctrl+s")
            error = app.screen.query_one("#error-form", Static)
            await wait_for(pilot, lambda: "locked" in text_of(error), timeout=15)
            assert isinstance(app.screen, ContactForm)
            assert app.screen.query_one("#field-name", Input).value == "Edsger Dijkstra"
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        await pilot.press("ctrl+s")  # the lock is gone: saving works now
        await wait_for(pilot, lambda: isinstance(app.screen, ContactDetailScreen))
    assert contact_named(store, "Edsger Dijkstra") is not None


@pytest.mark.postgres
async def test_runs_on_postgresql(pg_url):
    from termcrm.store.engine import open_store

    store = open_store(pg_url)
    try:
        seed(store)
    finally:
        store.close()
    app = CrmApp(db_target=pg_url, refresh_every=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.contacts_ready, timeout=15)
        assert app.contacts_table.total == 4
        assert app.contacts_table.get_row_at(0)[5] == "Send the proposal · 2026-11-20"
        await pilot.press("slash", *"engines")
        await wait_for(pilot, lambda: app.contacts_table.total == 1)
        await pilot.press("escape", "2")
        await wait_for(pilot, lambda: len(app.screen.query("DealCard")) == 3)


async def test_a_contact_deleted_elsewhere_closes_its_detail(app, store, ids):
    from termcrm.services import contacts, refs

    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.contacts_ready)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactDetailScreen))
        with store.write() as s:
            contacts.delete_contact(s, refs.contact(s, ids["ada"]))
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactsScreen))
        await wait_for(pilot, lambda: app.contacts_table.total == 3)


async def test_pages_load_as_the_cursor_goes_down(db_path, store):
    from termcrm.services import contacts
    from termcrm.tui.widgets.contact_table import PAGE

    with store.write() as s:
        for i in range(2 * PAGE + 30):
            contacts.add_contact(s, f"Person {i:03d}")
    app = CrmApp(db_target=str(db_path), refresh_every=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.contacts_ready)
        table = app.contacts_table
        assert table.total == 2 * PAGE + 30
        assert table.row_count == PAGE  # one page, not the whole table
        for _ in range(6):
            await pilot.press("end")
            await pilot.pause(0.1)
        await wait_for(pilot, lambda: table.row_count == table.total)
        await pilot.press("end")
        assert table.get_row_at(table.cursor_row)[0] == f"Person {2 * PAGE + 29:03d}"


async def test_the_status_says_counting_until_the_new_total_is_known(app, monkeypatch):
    """While a search's total is still being counted, the old total is not shown."""
    import threading

    from termcrm.services import pager

    release = threading.Event()
    count = pager.count

    def slow_count(session, filters):
        if filters.search == "hopper":
            release.wait(10)
        return count(session, filters)

    monkeypatch.setattr(pager, "count", slow_count)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.contacts_ready)
        table = app.contacts_table
        status = app.screen.query_one("#status", Static)
        assert "4 contacts" in text_of(status)
        await pilot.press("slash", *"hopper")
        await wait_for(pilot, lambda: table.row_count == 1)
        await wait_for(pilot, lambda: "counting…" in text_of(status))
        release.set()
        await wait_for(pilot, lambda: "1 contact " in text_of(status))
