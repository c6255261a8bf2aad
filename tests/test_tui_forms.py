"""The forms (modals/form.py): keys typed at once, enter, ctrl+q, a save that waits."""

from __future__ import annotations

import os
from pathlib import Path

from sqlmodel import select
from textual.widgets import Input, Static
from tui_helpers import showing, text_of, wait_for

from termcrm.store.models import Contact, Task
from termcrm.tui.modals.confirm import ConfirmScreen
from termcrm.tui.modals.contact_form import ContactForm
from termcrm.tui.modals.task_form import TaskForm
from termcrm.tui.screens.contact_detail import ContactDetailScreen
from termcrm.tui.screens.contacts import ContactsScreen


def names(store) -> list[str]:
    with store.read() as s:
        return sorted(s.exec(select(Contact.name)).all())


async def test_keys_typed_while_the_form_opens_reach_it(app, store, pages):
    """`t` and the title typed at once: no letter is lost while the form mounts."""
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        # one batch of keys, sent without waiting between them (a fast typist)
        for key in ("t", *"Zoë's report", "ctrl+s"):
            app.post_message(_key(key))
        await wait_for(pilot, lambda: _titles(store), timeout=15)
    assert _titles(store) == ["Zoë's report"]


def _key(key: str):
    from textual import events

    return events.Key(key, key if len(key) == 1 else None)


def _titles(store) -> list[str]:
    with store.read() as s:
        return [t for t in s.exec(select(Task.title)).all() if "report" in t]


async def test_enter_moves_to_the_next_field_and_saves_on_the_last(app, store, pages):
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        await pilot.press("down", "t")  # a task for Alan Turing: title, due, priority, repeat
        await wait_for(pilot, lambda: isinstance(app.screen, TaskForm))
        await pilot.press(*"Read the paper", "enter")
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "field-due")
        await pilot.press(*"tomorrow", "enter", "tab")  # the priority is a choice: tab past it
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "field-recur")
        await pilot.press(*"weekly", "enter")  # the last field: saves
        await wait_for(pilot, lambda: isinstance(app.screen, ContactsScreen))
    with store.read() as s:
        task = s.exec(select(Task).where(Task.title == "Read the paper")).one()
    assert task.recur == "weekly" and task.due_at is not None


async def test_ctrl_q_with_a_filled_in_form_asks_first(app, store, pages):
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        await pilot.press("n", *"Half Typed", "ctrl+q")
        await wait_for(pilot, lambda: showing(app, ConfirmScreen))
        assert "Discard what you typed?" in text_of(app.screen.query_one(".question"))
        await pilot.press("n")  # keep editing: nothing is lost, the app runs on
        await wait_for(pilot, lambda: isinstance(app.screen, ContactForm))
        assert app.screen.query_one("#field-name", Input).value == "Half Typed"
        assert app.is_running
        await pilot.press("ctrl+q", "y")
        await wait_for(pilot, lambda: not app.is_running)
    assert "Half Typed" not in names(store)


async def test_ctrl_q_with_an_empty_form_quits_at_once(app, pages):
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactForm))
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: not app.is_running)


async def test_a_save_waiting_on_a_lock_says_so_then_fails_clearly(app, store, db_path, pages):
    import sqlite3

    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        blocker = sqlite3.connect(db_path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        try:
            await pilot.press("n", *"Edsger Dijkstra", "ctrl+s")
            await wait_for(pilot, lambda: showing(app, ContactForm))
            status = app.screen.query_one("#form-status", Static)
            await wait_for(pilot, lambda: "Waiting for the database…" in text_of(status))
            error = app.screen.query_one("#error-form", Static)
            await wait_for(pilot, lambda: "locked" in text_of(error), timeout=15)
            assert not status.has_class("shown")  # no longer waiting
            assert app.screen.query_one("#field-name", Input).value == "Edsger Dijkstra"
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        await pilot.press("ctrl+s")  # the lock is gone: saving works now
        await wait_for(pilot, lambda: showing(app, ContactDetailScreen))  # the new contact's
    assert "Edsger Dijkstra" in names(store)


async def test_a_deleted_database_fails_the_next_save_and_is_not_recreated(app, db_path, pages):
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)  # someone deletes the file
        await pilot.press("n", *"Grace Murray", "ctrl+s")
        await wait_for(pilot, lambda: showing(app, ContactForm))
        error = app.screen.query_one("#error-form", Static)
        await wait_for(pilot, lambda: "was deleted while termcrm was running" in text_of(error))
        assert "nothing was saved" in text_of(error)
        assert app.screen.query_one("#field-name", Input).value == "Grace Murray"
    assert not db_path.exists()  # no empty database in its place


async def test_a_replaced_database_fails_the_next_save(app, db_path, pages):
    import shutil

    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        copy = db_path.with_name("copy.db")
        shutil.copyfile(db_path, copy)
        os.replace(copy, db_path)  # a backup restored over it, a sync tool
        await pilot.press("n", *"Grace Murray", "ctrl+s")
        await wait_for(pilot, lambda: showing(app, ContactForm))
        error = app.screen.query_one("#error-form", Static)
        await wait_for(pilot, lambda: "was replaced by another file" in text_of(error))
    import sqlite3

    con = sqlite3.connect(db_path)  # the file there now
    try:
        found = con.execute("SELECT count(*) FROM contacts WHERE name = 'Grace Murray'")
        assert found.fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM contacts").fetchone()[0] == 4
    finally:
        con.close()


async def test_every_invalid_field_is_marked_at_once(app, store, pages):
    """A bad email and a bad cadence: the service reports both, the form marks both (and
    focuses the first); fixing them saves."""
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        await pilot.press("n", *"Zoë Ölstad", "tab", *"zoë@", *(["tab"] * 7))
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "field-cadence")
        await pilot.press(*"every blue moon", "ctrl+s")
        form = app.screen
        email, cadence = (form.query_one(f"#error-{n}", Static) for n in ("email", "cadence"))
        await wait_for(pilot, lambda: "Invalid email" in text_of(email))
        assert "Invalid cadence 'every blue moon'" in text_of(cadence)
        assert len(form.query(".field-error.shown")) == 2
        assert not form.query_one("#error-form", Static).has_class("shown")
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "field-email")
        assert names(store).count("Zoë Ölstad") == 0
        # fixed: both marks go, the contact is saved with its cadence
        form.query_one("#field-email", Input).value = "zoe@example.com"
        form.query_one("#field-cadence", Input).value = "6w"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: showing(app, ContactDetailScreen))  # the new contact's
    with store.read() as s:
        zoe = s.exec(select(Contact).where(Contact.name == "Zoë Ölstad")).one()
    assert zoe.cadence_days == 42 and zoe.email == "zoe@example.com"
