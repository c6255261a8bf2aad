"""The contacts screen and the contact forms, driven by real keys (Pilot)."""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual.widgets import Input, Static
from tui_helpers import counted, seed, showing, text_of, wait_for

from termcrm.store.models import Contact, ContactTag
from termcrm.tui.app import CrmApp
from termcrm.tui.modals.confirm import ConfirmScreen
from termcrm.tui.modals.contact_form import ContactForm
from termcrm.tui.screens.contact_detail import ContactDetailScreen
from termcrm.tui.screens.contacts import ContactsScreen


def contact_named(store, name):
    with store.read() as s:
        return s.exec(select(Contact).where(Contact.name == name)).first()


async def test_lists_contacts_with_count_and_next_task(app, pages):
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        table = await pages.ready(pilot)
        assert table.row_count == 4 and table.total == 4
        names = [str(table.get_row_at(i)[0]) for i in range(4)]
        assert names == ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Linus Torvalds"]
        ada = [str(c) for c in table.get_row_at(0)]
        assert ada[1:4] == ["Analytical Engines", "customer", "tester"]
        assert ada[5] == "Send the proposal · 2026-11-20"
        status = app.screen.query_one("#status", Static)
        await wait_for(pilot, lambda: "4 contacts" in text_of(status))  # the screen's handler


async def test_search_as_you_type_and_open_a_contact(app, ids, pages):
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        table = await pages.ready(pilot)
        await pilot.press("slash")
        # the key is handed on by the app's key queue, and focus lands a call later
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "search")
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
        await wait_for(pilot, lambda: isinstance(app.screen, ContactsScreen))


async def test_search_finds_tags_and_filters_by_stage(app, pages):
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        table = await pages.ready(pilot)
        await pilot.press("slash", *"vip")
        await wait_for(pilot, lambda: table.total == 1)
        assert str(table.get_row_at(0)[0]) == "Ada Lovelace"
        await pilot.press(*["backspace"] * 3)
        await wait_for(pilot, lambda: table.total == 4)
        await pilot.press("tab", *"mia")  # the tag box: nobody is tagged mia
        await wait_for(pilot, lambda: table.total == 0)


async def test_each_search_keystroke_asks_once_and_the_owner_box_filters(app, pages):
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        table = await pages.ready(pilot)
        before = table._request
        box = app.screen.query_one("#search", Input)
        await pilot.press("slash", *"hop")
        # all three keys in, and counted: "ho" may have been counted (one match) already
        await wait_for(pilot, lambda: box.value == "hop" and counted(table))
        assert table.total == 1
        assert table._request == before + 3  # watched value, not also its Changed message
        await pilot.press(*["backspace"] * 3)
        await wait_for(pilot, lambda: table.total == 4)
        app.screen.query_one("#owner", Input).focus()
        await pilot.press(*"mia")
        await wait_for(pilot, lambda: table.total == 2)
        assert {str(table.get_row_at(i)[3]) for i in range(2)} == {"mia"}


async def test_a_search_longer_than_its_box_scrolls_along(app, pages):
    """The search box is repainted, not laid out, as it grows (SearchBox): it still scrolls."""
    async with app.run_test(size=(80, 24), message_hook=pages) as pilot:
        table = await pages.ready(pilot)
        box = app.screen.query_one("#search", Input)
        text = "abcdefghij" * 8
        await pilot.press("slash", *text)

        def shown() -> str:
            return "".join(seg.text for seg in box.render_line(0))

        # every key in (no match was found after the first three already) and scrolled
        # to the end, not one pause after "abc" found nothing
        await wait_for(pilot, lambda: box.value == text and box.scroll_x > 0 and "ghij" in shown())
        await wait_for(pilot, lambda: counted(table))
        assert table.total == 0
        assert box.value == text and box.size.width < len(text)
        assert box.scroll_x > 0
        assert "ghij" in shown()


async def test_sort_by_owner_with_the_o_key(app, pages):
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        table = await pages.ready(pilot)
        await pilot.press("o", "o", "o")  # name -> company -> stage -> owner
        await wait_for(pilot, lambda: table.sort == "owner")
        owners = ["mia", "mia", "tester", "tester"]
        await wait_for(
            pilot, lambda: [table.get_row_at(i)[3] for i in range(table.row_count)] == owners
        )


async def test_add_a_contact(app, store, pages):
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactForm))
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "field-name")
        await pilot.press(*"Margaret Hamilton", "tab", *"margaret@nasa.example")
        await pilot.press("tab", "tab", *"NASA", "ctrl+s")
        # mounted: leaving the app while the new detail mounts breaks its on_mount
        await wait_for(pilot, lambda: showing(app, ContactDetailScreen))
        margaret = contact_named(store, "Margaret Hamilton")
        assert margaret.email == "margaret@nasa.example"
        assert margaret.owner == "tester"  # the acting user by default
        assert app.screen.contact_id == margaret.id


async def test_edit_a_contact(app, store, ids, pages):
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        await pilot.press("e")  # the first row: Ada
        await wait_for(pilot, lambda: showing(app, ContactForm))
        form = app.screen
        await wait_for(pilot, lambda: form.query_one("#field-name", Input).value)
        assert form.query_one("#field-email", Input).value == "ada@engines.example"
        await pilot.press("end", *" King")
        for _ in range(7):
            await pilot.press("tab")
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "field-tags")
        await pilot.press("end", *", pioneer", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactsScreen))
    ada = contact_named(store, "Ada Lovelace King")
    assert ada is not None and ada.id == ids["ada"]
    with store.read() as s:
        tags = s.exec(select(ContactTag.tag).where(ContactTag.contact_id == ada.id)).all()
    assert sorted(tags) == ["pioneer", "vip"]


async def test_invalid_email_stays_open_with_the_input(app, store, pages):
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        await pilot.press("n", *"Bad Email", "tab", *"not-an-email", "ctrl+s")
        await wait_for(pilot, lambda: showing(app, ContactForm))
        form = app.screen
        error = form.query_one("#error-email", Static)
        await wait_for(pilot, lambda: "Invalid email" in text_of(error))
        await wait_for(pilot, lambda: isinstance(app.screen, ContactForm))
        assert error.display
        assert form.query_one("#field-name", Input).value == "Bad Email"
        assert form.query_one("#field-email", Input).value == "not-an-email"
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "field-email")
    assert contact_named(store, "Bad Email") is None


async def test_taken_email_is_shown_next_to_the_email(app, store, pages):
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        await pilot.press("n", *"Ada Two", "tab", *"ADA@engines.example", "ctrl+s")
        await wait_for(pilot, lambda: showing(app, ContactForm))
        error = app.screen.query_one("#error-email", Static)
        await wait_for(pilot, lambda: "exists already" in text_of(error))
    assert contact_named(store, "Ada Two") is None


async def test_cancel_asks_before_dropping_what_was_typed(app, store, pages):
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        await pilot.press("n", "escape")  # nothing typed: closes at once
        await wait_for(pilot, lambda: isinstance(app.screen, ContactsScreen))
        await pilot.press("n", *"Half Typed", "escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")  # keep editing
        await wait_for(pilot, lambda: isinstance(app.screen, ContactForm))
        assert app.screen.query_one("#field-name", Input).value == "Half Typed"
        shown = pages.count
        await pilot.press("escape", "y")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactsScreen))
        # back on the list, which reads the database again: still the four contacts
        table = await pages.ready(pilot, after=shown)
        assert table.total == 4
    assert contact_named(store, "Half Typed") is None
    with store.read() as s:
        assert len(s.exec(select(Contact)).all()) == 4


async def test_another_program_writing_shows_after_refresh(app, store, pages):
    from termcrm.services import contacts

    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        table = await pages.ready(pilot)
        with store.write() as s:  # as `crm contact add` in another terminal would
            contacts.add_contact(s, "Barbara Liskov", actor="other")
        await pilot.press("r")
        await wait_for(pilot, lambda: table.total == 5)
        names = [str(table.get_row_at(i)[0]) for i in range(5)]
        assert "Barbara Liskov" in names


async def test_mouse_sorts_by_header_and_opens_a_row(app, ids, pages):
    from termcrm.tui.widgets.contact_table import ContactTable

    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        table = await pages.ready(pilot)
        await pilot.click(ContactTable, offset=(3, 0))  # the Name header: reverse
        await wait_for(pilot, lambda: table.descending)
        await wait_for(pilot, lambda: table.get_row_at(0)[0] == "Linus Torvalds")
        await pilot.click(ContactTable, offset=(3, 2))  # the second row: select
        await wait_for(pilot, lambda: table.selected_name == "Grace Hopper")
        await pilot.click(ContactTable, offset=(3, 2))  # again: open
        await wait_for(pilot, lambda: isinstance(app.screen, ContactDetailScreen))
        assert app.screen.contact_id == ids["grace"]
        await wait_for(pilot, lambda: app.screen.detail is not None)


async def test_a_log_from_another_process_shows_after_refresh(app, run_termcrm, pages):
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        table = await pages.ready(pilot)
        assert table.get_row_at(2)[4] == ""  # Grace: never contacted
        result = run_termcrm(
            "log", "call", "Grace", "Phoned from the shell", "--when", "today 9:00"
        )
        assert result.returncode == 0, result.stderr
        await pilot.press("r")
        await wait_for(pilot, lambda: table.get_row_at(2)[4] == "2026-11-18")


@pytest.mark.postgres
async def test_runs_on_postgresql(pg_url, pg_server, pages):
    from termcrm.services import team
    from termcrm.store.engine import open_store

    store = open_store(pg_url)
    me, colleague = f"tester_{pg_server.hex}", f"mia_{pg_server.hex}"
    try:
        with store.write() as s:  # owners are team members on PostgreSQL
            for name in (me, colleague):
                team.add(s, name, "member")
        seed(store, me=me, colleague=colleague)
    finally:
        store.close()
    app = CrmApp(db_target=pg_url, refresh_every=None)
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        table = await pages.ready(pilot, timeout=15)
        assert table.total == 4
        assert table.get_row_at(0)[5] == "Send the proposal · 2026-11-20"
        await pilot.press("slash", *"engines")
        await wait_for(pilot, lambda: table.total == 1)
        await pilot.press("escape", "2")
        await wait_for(pilot, lambda: sum(c.loaded for c in app.screen.query("StageColumn")) == 3)


async def test_a_contact_deleted_elsewhere_closes_its_detail(app, store, ids, pages):
    from termcrm.services import contacts, refs

    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        table = await pages.ready(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactDetailScreen))
        with store.write() as s:
            contacts.delete_contact(s, refs.contact(s, ids["ada"]))
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactsScreen))
        await wait_for(pilot, lambda: table.total == 3)


async def test_end_reaches_the_last_of_a_long_list_in_one_press(db_path, store, pages):
    from termcrm.services import contacts
    from termcrm.tui.widgets.contact_table import PAGE

    n = 5 * PAGE + 30
    with store.write() as s:
        for i in range(n):
            contacts.add_contact(s, f"Person {i:03d}")
    app = CrmApp(db_target=str(db_path), refresh_every=None)
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        table = await pages.ready(pilot)
        assert table.total == n and table.row_count == n
        assert table.loaded == PAGE  # one page, not the whole table
        await pilot.press("end")
        await wait_for(pilot, lambda: table.selected_name == f"Person {n - 1:03d}")
        assert table.loaded < n  # the pages in between were never fetched
        await pilot.press("home")
        await wait_for(pilot, lambda: table.selected_name == "Person 000")
        await pilot.press("ctrl+end")
        await wait_for(pilot, lambda: table.selected_name == f"Person {n - 1:03d}")
        await pilot.press("ctrl+home", "down")
        await wait_for(pilot, lambda: table.selected_name == "Person 001")
        # the scroll bar dragged to the bottom shows the last rows
        table.scroll_to(y=table.max_scroll_y, animate=False)
        await wait_for(pilot, lambda: f"Person {n - 1:03d}" in _screen_text(table))


def _screen_text(table) -> str:
    return "\n".join(
        "".join(seg.text for seg in table.render_line(y)) for y in range(table.size.height)
    )


async def test_the_status_says_counting_until_the_new_total_is_known(app, monkeypatch, pages):
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
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        table = await pages.ready(pilot)
        status = app.screen.query_one("#status", Static)
        # PageShown is recorded as the table posts it, before the screen's handler writes it
        await wait_for(pilot, lambda: "4 contacts" in text_of(status))
        assert "4 contacts" in text_of(status)
        await pilot.press("slash", *"hopper")
        await wait_for(pilot, lambda: table.row_count == 1)
        await wait_for(pilot, lambda: "counting…" in text_of(status))
        release.set()
        await wait_for(pilot, lambda: "1 contact " in text_of(status))
