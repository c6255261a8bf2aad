"""Logging an interaction and adding tasks from the TUI, asserted on the database."""

from __future__ import annotations

from sqlmodel import select
from textual.widgets import Input, Select
from tui_helpers import showing, text_of, wait_for

from termcrm import dates
from termcrm.store.models import Interaction, Task
from termcrm.tui.modals.log_form import LogForm
from termcrm.tui.modals.task_form import TaskForm
from termcrm.tui.screens.contact_detail import ContactDetailScreen
from termcrm.tui.screens.contacts import ContactsScreen


def interactions_of(store, contact_id) -> list[Interaction]:
    with store.read() as s:
        return list(
            s.exec(
                select(Interaction)
                .where(Interaction.contact_id == contact_id)
                .order_by(Interaction.id)
            ).all()
        )


def tasks_of(store, contact_id) -> list[Task]:
    with store.read() as s:
        return list(s.exec(select(Task).where(Task.contact_id == contact_id)).all())


async def test_log_a_call_from_the_list(app, store, ids, pages):
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        await pilot.press("down", "down")  # Grace Hopper
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, LogForm))
        form = app.screen
        await wait_for(
            pilot, lambda: getattr(app.focused, "id", None) == "field-summary"
        )  # the summary first
        assert form.query_one("#field-kind", Select).value == "call"  # a call by default
        await pilot.press(*"Talked about COBOL", "tab", "tab", *"yesterday 16:00")
        await pilot.press("tab", "tab", *"25", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactsScreen))
    [logged] = interactions_of(store, ids["grace"])
    assert (logged.kind, logged.summary, logged.duration_min) == ("call", "Talked about COBOL", 25)
    assert dates.show(logged.occurred_at) == "2026-11-17 16:00"
    assert logged.logged_by == "tester"


async def test_log_from_the_detail_with_a_follow_up(app, store, ids, pages):
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        await pilot.press("enter")  # Ada's detail
        await wait_for(pilot, lambda: isinstance(app.screen, ContactDetailScreen))
        await pilot.press("l", *"Demo of the engine")
        for _ in range(7):
            await pilot.press("tab")
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "field-follow_up")
        await pilot.press(*"next fri", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactDetailScreen))
        # the timeline shows it, newest first
        timeline = app.screen.query_one("#timeline")
        await wait_for(pilot, lambda: "Demo of the engine" in str(timeline.get_row_at(0)[1]))
    assert interactions_of(store, ids["ada"])[-1].summary == "Demo of the engine"
    follow = [t for t in tasks_of(store, ids["ada"]) if t.title.startswith("Follow up")]
    assert len(follow) == 1 and dates.show(follow[0].due_at, with_time=False) == "2026-11-20"


async def test_bad_date_in_the_log_form_is_shown_at_the_field(app, store, ids, pages):
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        await pilot.press("l", *"Quick note", "tab", "tab", *"someday soon", "ctrl+s")
        await wait_for(pilot, lambda: showing(app, LogForm))
        form = app.screen
        error = form.query_one("#error-when")
        await wait_for(pilot, lambda: error.has_class("shown"))
        assert "Cannot read 'someday soon' as a date" in text_of(error)
        await wait_for(pilot, lambda: isinstance(app.screen, LogForm))
        assert form.query_one("#field-summary", Input).value == "Quick note"
        assert form.query_one("#field-when", Input).value == "someday soon"
        await pilot.press("escape", "y")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactsScreen))
    assert len(interactions_of(store, ids["ada"])) == 2  # the seeded ones only


async def test_empty_summary_is_refused(app, store, ids, pages):
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        await pilot.press("l", "ctrl+s")
        await wait_for(pilot, lambda: showing(app, LogForm))
        error = app.screen.query_one("#error-summary")
        await wait_for(pilot, lambda: error.has_class("shown"))
        assert "Summary must not be empty" in text_of(error)
    assert len(interactions_of(store, ids["ada"])) == 2


async def test_add_a_task_for_a_contact(app, store, ids, pages):
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        table = await pages.ready(pilot)
        await pilot.press("down", "t")  # Alan Turing
        await wait_for(pilot, lambda: isinstance(app.screen, TaskForm))
        await pilot.press(*"Send the paper", "tab", *"next fri 9:00", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactsScreen))
        # the list shows it as Alan's next task
        await wait_for(pilot, lambda: "Send the paper" in str(table.get_row_at(1)[5]))
    [task] = tasks_of(store, ids["alan"])
    assert task.title == "Send the paper" and task.due_has_time
    assert dates.show(task.due_at) == "2026-11-20 09:00"
    assert task.done_at is None
