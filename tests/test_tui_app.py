"""The app as a whole: switching screens, help from the bindings, the command palette."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette
from tui_helpers import (
    palette_highlights,
    palette_options,
    palette_searched,
    showing,
    text_of,
    wait_for,
)

from termcrm.tui.modals.contact_form import ContactForm
from termcrm.tui.screens.agenda import AgendaScreen
from termcrm.tui.screens.contacts import ContactsScreen
from termcrm.tui.screens.dashboard import DashboardScreen
from termcrm.tui.screens.help import HelpScreen
from termcrm.tui.screens.pipeline import PipelineScreen


async def test_number_keys_switch_screens(app, pages):
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        for key, screen in (("2", PipelineScreen), ("3", AgendaScreen), ("4", DashboardScreen),
                            ("1", ContactsScreen)):  # fmt: skip
            await pilot.press(key)
            await wait_for(pilot, lambda s=screen: isinstance(app.screen, s))


async def test_help_lists_the_screens_keys(app, pages):
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: showing(app, HelpScreen))  # its Statics composed
        shown = "\n".join(text_of(s) for s in app.screen.query("Static"))
        assert "Log an interaction with the selected contact" in shown
        assert "Add a task for the selected contact" in shown
        assert "Go to the pipeline board" in shown and "Quit termcrm" in shown
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactsScreen))
        await pilot.press("2", "question_mark")
        await wait_for(pilot, lambda: showing(app, HelpScreen))
        shown = "\n".join(text_of(s) for s in app.screen.query("Static"))
        assert "Move the selected deal one stage right" in shown


async def test_palette_reaches_screen_actions(app, pages):
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        palette = app.screen
        await pilot.press(*"add a contact")
        # the palette searches in a worker, anew on each key: enter once it has listed all
        await wait_for(pilot, lambda: palette_searched(palette, "add a contact"), timeout=15)
        assert palette_options(palette)[0] == "New contact"  # found by its tooltip
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactForm))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactsScreen))
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        palette = app.screen
        await pilot.press(*"pipeline")
        await wait_for(pilot, lambda: palette_searched(palette, "pipeline"), timeout=15)
        assert palette_options(palette)[0] == "Pipeline"
        await pilot.press("enter")
        await wait_for(pilot, lambda: showing(app, PipelineScreen))


async def test_quit(app, pages):
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        await pilot.press("q")
        await wait_for(pilot, lambda: app.return_code is not None)
        assert app.return_code == 0


@pytest.mark.parametrize("key", ["1", "2", "3", "4", "enter"])
async def test_help_and_quit_are_in_the_footer_at_80_columns(app, pages, key):
    from textual.widgets._footer import FooterKey

    from termcrm.tui.widgets.footer import CrmFooter

    async with app.run_test(size=(80, 24), message_hook=pages) as pilot:
        await pages.ready(pilot)
        before = app.screen
        await pilot.press(key)
        if key != "1":
            await wait_for(pilot, lambda: app.screen is not before and app.screen.is_mounted)
        footer = app.screen.query_one(CrmFooter)

        def keys() -> dict:
            return {k.description: k for k in footer.query(FooterKey)}

        # laid out: a key not placed yet has an empty region, whose right edge is 0
        await wait_for(
            pilot, lambda: all(keys().get(d) and keys()[d].region for d in ("Help", "Quit"))
        )
        for description in ("Help", "Quit"):
            assert keys()[description].region.right <= 80, description  # on screen, not cut


async def test_a_forms_footer_shows_its_own_keys(app, pages):
    from textual.widgets._footer import FooterKey

    async with app.run_test(size=(80, 24), message_hook=pages) as pilot:
        await pages.ready(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactForm))
        form = app.screen
        await wait_for(pilot, lambda: form.query(FooterKey))
        shown = [k.description for k in form.query(FooterKey)]
        assert shown[:2] == ["Save", "Cancel"]
        assert "Quit" not in shown and "Pipeline" not in shown  # not the screen's behind


async def test_the_palette_lists_actions_by_their_footer_names(app, pages):
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        await pilot.press("ctrl+p", *"new")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        palette = app.screen
        # the search for all of "new", not the list of "n" or a batch still being filled in
        await wait_for(pilot, lambda: palette_searched(palette, "new"), timeout=15)
        shown = palette_options(palette)
        assert "New contact" in shown
        assert not any(text.startswith(("Up", "Scroll")) for text in shown)
        await pilot.press("enter")
        await wait_for(pilot, lambda: showing(app, ContactForm))


async def test_the_palette_finds_a_contact_and_a_deal_and_opens_them(app, pages, ids):
    from termcrm.tui.screens.contact_detail import ContactDetailScreen

    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        await pilot.press("ctrl+p", *"hopper")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        palette = app.screen
        await wait_for(
            pilot, lambda: palette_highlights(palette, "hopper", "Grace Hopper"), timeout=15
        )
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactDetailScreen))
        assert app.screen.contact_id == ids["grace"]
        await wait_for(pilot, lambda: app.screen.detail is not None)
        await pilot.press("escape", "ctrl+p", *"kernel audit")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        palette = app.screen
        await wait_for(
            pilot, lambda: palette_highlights(palette, "kernel audit", "Kernel audit"), timeout=15
        )
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactDetailScreen))
        detail = app.screen
        assert detail.contact_id == ids["linus"]
        await wait_for(pilot, lambda: detail.detail is not None)
        assert detail.query_one("TabbedContent").active == "tab-deals"
