"""The agenda: tasks by urgency, deals closing, contacts going cold; d done, s snooze."""

from __future__ import annotations

from sqlmodel import select
from textual.widgets import DataTable
from tui_helpers import showing, wait_for

from termcrm import dates
from termcrm.store.models import Task
from termcrm.tui.modals.snooze_form import SnoozeForm
from termcrm.tui.screens.agenda import AgendaScreen
from termcrm.tui.screens.contact_detail import ContactDetailScreen
from termcrm.tui.screens.contacts import ContactsScreen


def rows(app, section) -> list[list[str]]:
    if not showing(app, AgendaScreen):
        return []  # not there yet, or its tables not composed yet
    table = app.screen.query_one(f"#agenda-{section}", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def task_titled(store, title) -> Task:
    with store.read() as s:
        return s.exec(select(Task).where(Task.title == title).order_by(Task.id)).first()


async def open_agenda(app, pilot):
    await pilot.press("3")
    await wait_for(pilot, lambda: isinstance(app.screen, AgendaScreen))
    await wait_for(pilot, lambda: rows(app, "overdue"))


async def test_agenda_sections(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await open_agenda(app, pilot)
        assert rows(app, "overdue") == [
            ["2026-11-16", "2 days late", "Call about the audit", "Grace Hopper", ""]
        ]
        assert [r[2] for r in rows(app, "next_7_days")] == ["Send the proposal"]
        assert [r[1] for r in rows(app, "deals_closing")] == ["Kernel audit"]
        assert [r[0] for r in rows(app, "going_cold")] == ["Grace Hopper"]


async def test_done_marks_the_selected_task(app, store):
    async with app.run_test(size=(120, 36)) as pilot:
        await open_agenda(app, pilot)
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "agenda-overdue")
        await pilot.press("d")
        await wait_for(pilot, lambda: task_titled(store, "Call about the audit").done_at)
        await wait_for(pilot, lambda: not rows(app, "overdue"))


async def test_add_a_recurring_task_then_mark_it_done(app, store, ids, pages):
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        await pilot.press("t", *"Weekly report", "tab", *"today", "tab", "tab", *"weekly")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: task_titled(store, "Weekly report") is not None)
        await wait_for(pilot, lambda: isinstance(app.screen, ContactsScreen))
        assert task_titled(store, "Weekly report").recur == "weekly"
        await pilot.press("3")
        await wait_for(pilot, lambda: rows(app, "due_today"))
        await pilot.press("tab")  # from the overdue table to today's
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "agenda-due_today")
        await pilot.press("d")
        await wait_for(pilot, lambda: task_titled(store, "Weekly report").done_at)
    with store.read() as s:
        weekly = s.exec(select(Task).where(Task.title == "Weekly report").order_by(Task.id)).all()
    assert len(weekly) == 2 and weekly[1].done_at is None  # rolled forward
    assert dates.show(weekly[1].due_at, with_time=False) == "2026-11-25"
    assert weekly[1].contact_id == ids["ada"]


async def test_snooze_moves_the_due_date(app, store):
    async with app.run_test(size=(120, 36)) as pilot:
        await open_agenda(app, pilot)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, SnoozeForm))
        await pilot.press(*"next mon", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, AgendaScreen))
        await wait_for(pilot, lambda: not rows(app, "overdue"))
    task = task_titled(store, "Call about the audit")
    assert dates.show(task.due_at, with_time=False) == "2026-11-23" and task.done_at is None


async def test_snooze_into_the_past_is_refused_at_the_field(app, store):
    async with app.run_test(size=(120, 36)) as pilot:
        await open_agenda(app, pilot)
        await pilot.press("s", *"2026-01-01", "ctrl+s")
        await wait_for(pilot, lambda: showing(app, SnoozeForm))
        form = app.screen
        await wait_for(pilot, lambda: form.query_one("#error-until").has_class("shown"))
        await wait_for(pilot, lambda: isinstance(app.screen, SnoozeForm))
    assert dates.show(task_titled(store, "Call about the audit").due_at, with_time=False) == (
        "2026-11-16"
    )


async def test_enter_opens_the_contact_and_d_works_in_the_detail(app, store, ids):
    async with app.run_test(size=(120, 36)) as pilot:
        await open_agenda(app, pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactDetailScreen))
        assert app.screen.contact_id == ids["grace"]
        await wait_for(pilot, lambda: app.screen.detail is not None)
        await pilot.press("d")  # shows the tasks tab first
        await pilot.press("d")
        await wait_for(pilot, lambda: task_titled(store, "Call about the audit").done_at)


async def test_edit_the_selected_task(app, store):
    from textual.widgets import Input

    from termcrm.tui.modals.task_form import TaskForm

    async with app.run_test(size=(120, 36)) as pilot:
        await open_agenda(app, pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: showing(app, TaskForm))
        form = app.screen
        await wait_for(pilot, lambda: form.query_one("#field-title", Input).value)
        assert form.query_one("#field-due", Input).value == "2026-11-16"
        await pilot.press("end", *" (urgent)", "tab", "ctrl+u", *"tomorrow", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, AgendaScreen))
    task = task_titled(store, "Call about the audit (urgent)")
    assert dates.show(task.due_at, with_time=False) == "2026-11-19"
