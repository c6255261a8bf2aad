"""The app as a whole: switching screens, help from the bindings, the command palette."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette
from tui_helpers import seed, text_of, wait_for

from termcrm.tui.app import CrmApp
from termcrm.tui.modals.contact_form import ContactForm
from termcrm.tui.screens.agenda import AgendaScreen
from termcrm.tui.screens.contacts import ContactsScreen
from termcrm.tui.screens.dashboard import DashboardScreen
from termcrm.tui.screens.help import HelpScreen
from termcrm.tui.screens.pipeline import PipelineScreen


@pytest.fixture
def app(db_path, store):
    seed(store)
    return CrmApp(db_target=str(db_path), refresh_every=None)


async def test_number_keys_switch_screens(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.contacts_ready)
        for key, screen in (("2", PipelineScreen), ("3", AgendaScreen), ("4", DashboardScreen),
                            ("1", ContactsScreen)):  # fmt: skip
            await pilot.press(key)
            assert isinstance(app.screen, screen)


async def test_help_lists_the_screens_keys(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.contacts_ready)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        shown = "\n".join(text_of(s) for s in app.screen.query("Static"))
        assert "Log an interaction with the selected contact" in shown
        assert "Add a task for the selected contact" in shown
        assert "Go to the pipeline board" in shown and "Quit termcrm" in shown
        await pilot.press("escape")
        assert isinstance(app.screen, ContactsScreen)
        await pilot.press("2", "question_mark")
        shown = "\n".join(text_of(s) for s in app.screen.query("Static"))
        assert "Move the selected deal one stage right" in shown


async def test_palette_reaches_screen_actions(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.contacts_ready)
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"add a contact")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactForm))
        await pilot.press("escape")
        await pilot.press("ctrl+p", *"pipeline")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PipelineScreen))


async def test_quit(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.contacts_ready)
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0 and not app.is_running
