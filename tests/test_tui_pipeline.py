"""The pipeline board: moving deals across stages with < and >, won and lost confirmed."""

from __future__ import annotations

import pytest
from textual.widgets import Input, ListView
from tui_helpers import seed, wait_for

from termcrm.store.models import Deal, DealStageChange
from termcrm.tui.app import CrmApp
from termcrm.tui.modals.confirm import ConfirmScreen, ReasonScreen
from termcrm.tui.modals.deal_form import DealForm
from termcrm.tui.screens.pipeline import PipelineScreen
from termcrm.tui.widgets.board import DealCard, StageColumn


@pytest.fixture
def ids(store):
    return seed(store)


@pytest.fixture
def app(db_path, ids):
    return CrmApp(db_target=str(db_path), refresh_every=None)


def deal(store, deal_id) -> Deal:
    with store.read() as s:
        return s.get(Deal, deal_id)


def cards(app, stage) -> list[str]:
    column = app.screen.query_one(f"#stage-{stage}", StageColumn)
    return [c.row.deal.title for c in column.query(DealCard)]


async def open_board(app, pilot):
    await pilot.press("2")
    await wait_for(pilot, lambda: isinstance(app.screen, PipelineScreen))
    await wait_for(pilot, lambda: cards(app, "lead") == ["Engine licences"])


async def test_board_shows_columns_with_counts_and_totals(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await open_board(app, pilot)
        proposal = app.screen.query_one("#stage-proposal", StageColumn)
        assert proposal.border_title == "proposal (1)"
        assert proposal.border_subtitle == "4500.50 USD"
        assert cards(app, "negotiation") == ["Kernel audit"]
        assert app.screen.query_one("#stage-lead", StageColumn).border_subtitle == "12000.00 EUR"


async def test_move_a_deal_right_then_left(app, store, ids):
    async with app.run_test(size=(120, 36)) as pilot:
        await open_board(app, pilot)
        await pilot.press("greater_than_sign")
        await wait_for(pilot, lambda: deal(store, ids["deal"]).stage == "qualified")
        await wait_for(pilot, lambda: cards(app, "qualified") == ["Engine licences"])
        assert cards(app, "lead") == []
        # the moved deal stays selected: move it on, then back
        await pilot.press("greater_than_sign")
        await wait_for(pilot, lambda: deal(store, ids["deal"]).stage == "proposal")
        await wait_for(pilot, lambda: "Engine licences" in cards(app, "proposal"))
        await pilot.press("less_than_sign")
        await wait_for(pilot, lambda: deal(store, ids["deal"]).stage == "qualified")
    with store.read() as s:
        from sqlmodel import select

        changes = s.exec(
            select(DealStageChange.to_stage)
            .where(DealStageChange.deal_id == ids["deal"])
            .order_by(DealStageChange.id)
        ).all()
    assert changes == ["lead", "qualified", "proposal", "qualified"]


async def test_won_asks_first(app, store):
    async with app.run_test(size=(120, 36)) as pilot:
        await open_board(app, pilot)
        await pilot.press("right", "right", "right")  # the negotiation column
        assert app.focused.id == "deals-negotiation"
        await pilot.press("greater_than_sign")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # no: nothing changes
        await pilot.pause(0.2)
        kernel = next(c for c in app.screen.query(DealCard) if c.row.deal.title == "Kernel audit")
        assert deal(store, kernel.deal_id).stage == "negotiation"
        await pilot.press("greater_than_sign", "y")
        await wait_for(pilot, lambda: deal(store, kernel.deal_id).stage == "won")
        assert deal(store, kernel.deal_id).closed_at is not None


async def test_lost_asks_for_a_reason(app, store):
    async with app.run_test(size=(120, 36)) as pilot:
        await open_board(app, pilot)
        await pilot.press("right", "right", "right")
        kernel = app.screen.query_one("#deals-negotiation", ListView).highlighted_child
        await pilot.press("greater_than_sign", "y")  # won
        await wait_for(pilot, lambda: deal(store, kernel.deal_id).stage == "won")
        await wait_for(pilot, lambda: cards(app, "won") == ["Kernel audit"])
        await pilot.press("greater_than_sign")
        assert isinstance(app.screen, ReasonScreen)
        await pilot.press(*"went with a competitor", "enter")
        await wait_for(pilot, lambda: deal(store, kernel.deal_id).stage == "lost")
        assert deal(store, kernel.deal_id).lost_reason == "went with a competitor"


async def test_new_deal_with_a_negative_value_stays_open(app, store):
    async with app.run_test(size=(120, 36)) as pilot:
        await open_board(app, pilot)
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, DealForm)
        assert form.query_one("#field-contact", Input).value == "Ada Lovelace"
        await pilot.press(*"Support contract", "tab", "tab", *"-50", "ctrl+s")
        error = form.query_one("#error-value")
        await wait_for(pilot, lambda: error.has_class("shown"))
        assert "must not be negative" in str(error.content)
        assert form.query_one("#field-value", Input).value == "-50"
        await pilot.press(*["backspace"] * 3, *"2500", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, PipelineScreen))
        await wait_for(pilot, lambda: "Support contract" in cards(app, "lead"))
    with store.read() as s:
        from sqlmodel import select

        new = s.exec(select(Deal).where(Deal.title == "Support contract")).one()
    assert new.value_minor == 250000


async def test_edit_the_selected_deal(app, store, ids):
    async with app.run_test(size=(120, 36)) as pilot:
        await open_board(app, pilot)
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, DealForm)
        await wait_for(pilot, lambda: form.query_one("#field-value", Input).value == "12000.00")
        await pilot.press("tab", "tab")
        assert app.focused.id == "field-value"
        await pilot.press("ctrl+u", *"15000", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, PipelineScreen))
    changed = deal(store, ids["deal"])
    assert changed.value_minor == 1_500_000 and changed.title == "Engine licences"
    assert changed.stage == "lead"


async def test_new_deal_from_a_contacts_detail(app, store, ids):
    from termcrm.tui.screens.contact_detail import ContactDetailScreen

    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.contacts_ready)
        await pilot.press("down", "enter")  # Alan Turing
        await wait_for(pilot, lambda: isinstance(app.screen, ContactDetailScreen))
        await wait_for(pilot, lambda: app.screen.detail is not None)
        await pilot.press("n", *"Enigma study", "tab", "tab", *"900", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactDetailScreen))
        deals_table = app.screen.query_one("#deals")
        await wait_for(pilot, lambda: deals_table.row_count == 1)
    with store.read() as s:
        from sqlmodel import select

        new = s.exec(select(Deal).where(Deal.title == "Enigma study")).one()
    assert new.contact_id == ids["alan"] and new.value_minor == 90000


async def test_enter_opens_the_deals_contact(app, ids):
    from termcrm.tui.screens.contact_detail import ContactDetailScreen

    async with app.run_test(size=(120, 36)) as pilot:
        await open_board(app, pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactDetailScreen))
        assert app.screen.contact_id == ids["ada"]
        await pilot.press("escape")
        assert isinstance(app.screen, PipelineScreen)
