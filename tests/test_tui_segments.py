"""Segments in the TUI (#15): `s` picks a saved segment (its members evaluated each time the
list loads), "All contacts" clears it, and the activity filter reaches the segment filters
people use most."""

from __future__ import annotations

from textual.widgets import OptionList, Select
from tui_helpers import counted, text_of, wait_for

from termcrm.services import contacts, segments
from termcrm.services.search import ContactQuery
from termcrm.tui.modals.segment_picker import SegmentPicker
from termcrm.tui.screens.contacts import ContactsScreen

HOSTILE = "\x1b]0;PWNED\x07[/bold] cold"


def _names(table) -> list[str]:
    return sorted(str(table.get_row_at(i)[0]) for i in range(table.row_count))


def _prompts(picker) -> list[str]:
    options = picker.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def _pick(pilot, app, index: int) -> None:
    """`s`, then the option at `index` (0: All contacts), chosen with the keys."""
    await pilot.press("s")
    await wait_for(pilot, lambda: isinstance(app.screen, SegmentPicker))
    picker = app.screen
    await wait_for(pilot, lambda: picker.segments is not None)
    await pilot.press("home", *["down"] * index, "enter")
    await wait_for(pilot, lambda: isinstance(app.screen, ContactsScreen))


async def test_s_filters_the_list_to_a_saved_segment_evaluated_now(app, store, pages):
    with store.write() as s:
        segments.save(s, "vips", ContactQuery(tags=("vip",)))
        segments.save(s, HOSTILE, ContactQuery(stage="lead"))
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        table = await pages.ready(pilot)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, SegmentPicker))
        picker = app.screen
        await wait_for(pilot, lambda: picker.segments is not None)
        shown = _prompts(picker)
        # names are stored text: shown as data, sorted by name, with their filters
        assert shown == [
            "All contacts (no segment)",
            "␛]0;PWNED␇[/bold] cold  --stage lead",
            "vips  --tag vip",
        ]
        await pilot.press("escape")  # closed: nothing changes
        await wait_for(pilot, lambda: isinstance(app.screen, ContactsScreen))
        assert table.filters is None or table.filters.segment is None

        await _pick(pilot, app, 2)
        await wait_for(pilot, lambda: table.total == 1)
        assert _names(table) == ["Ada Lovelace"]
        status = app.screen.query_one("#status")
        await wait_for(pilot, lambda: "1 contact in segment vips" in text_of(status))
        assert "segment vips" in app.screen.sub_title

        with store.write() as s:  # members are evaluated when the list loads, not saved
            contacts.add_contact(s, "Barbara Liskov", tags=["VIP"], stage="customer")
        await pilot.press("r")
        await wait_for(pilot, lambda: table.total == 2)
        assert _names(table) == ["Ada Lovelace", "Barbara Liskov"]

        await _pick(pilot, app, 1)  # the hostile one: a segment like any other
        await wait_for(pilot, lambda: _names(table) == ["Alan Turing", "Linus Torvalds"])
        await wait_for(pilot, lambda: "in segment ␛]0;PWNED␇[/bold] cold" in text_of(status))

        await _pick(pilot, app, 0)  # all contacts again
        await wait_for(pilot, lambda: table.total == 5)
        assert "segment" not in app.screen.sub_title


async def test_a_segment_adds_to_the_other_filters(app, store, pages):
    """The segment's filters and the screen's must all match; a contradiction is one clear
    message, and the app goes on."""
    with store.write() as s:
        segments.save(s, "customers", ContactQuery(stage="customer"))
        segments.save(s, "engines", ContactQuery(company="analytical engines"))
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        table = await pages.ready(pilot)
        await _pick(pilot, app, 2)  # engines
        await wait_for(pilot, lambda: table.total == 1)
        await pilot.press("slash", *"grace")
        await wait_for(pilot, lambda: table.total == 0)
        await pilot.press("ctrl+a", "ctrl+k", "escape")
        await wait_for(pilot, lambda: table.total == 1)
        app.screen.query_one("#stage", Select).value = "lead"
        await wait_for(pilot, lambda: table.total == 0)
        await _pick(pilot, app, 1)  # customers, while the stage filter says lead
        await wait_for(
            pilot, lambda: any("contradicts segment" in str(n.message) for n in app._notifications)
        )
        assert app.is_running


async def test_the_activity_filter_never_contacted_and_open_deals(app, pages):
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        table = await pages.ready(pilot)
        activity = app.screen.query_one("#activity", Select)
        activity.focus()
        await pilot.press("enter")  # opens the list: any activity, never contacted, …
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: activity.value == "never")
        await wait_for(pilot, lambda: table.total == 3)
        assert "Ada Lovelace" not in _names(table)  # the one with interactions
        await pilot.press("enter", *["down"] * 4, "enter")
        await wait_for(pilot, lambda: activity.value == "deal")
        # its own count: "never contacted" also had three (other ones)
        await wait_for(pilot, lambda: table.filters.has_open_deal and counted(table))
        assert table.total == 3
        assert _names(table) == ["Ada Lovelace", "Grace Hopper", "Linus Torvalds"]
