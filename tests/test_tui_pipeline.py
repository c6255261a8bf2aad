"""The pipeline board: moving deals across stages with < and >, won and lost confirmed."""

from __future__ import annotations

import pytest
from textual.widgets import Input
from tui_helpers import showing, wait_for

from termcrm.store.models import Deal, DealStageChange
from termcrm.tui.modals.confirm import ConfirmScreen, ReasonScreen
from termcrm.tui.modals.deal_form import DealForm
from termcrm.tui.screens.pipeline import PipelineScreen
from termcrm.tui.widgets.board import DealList, StageColumn


def deal(store, deal_id) -> Deal:
    with store.read() as s:
        return s.get(Deal, deal_id)


def cards(app, stage) -> list[str]:
    if not showing(app, PipelineScreen):
        return []  # not there yet, or its columns not composed yet
    column = app.screen.query_one(f"#stage-{stage}", StageColumn)
    return column.list.titles


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
        await wait_for(pilot, lambda: cards(app, "negotiation") == ["Kernel audit"])
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


def history(store, deal_id) -> list[str]:
    with store.read() as s:
        from sqlmodel import select

        return list(
            s.exec(
                select(DealStageChange.to_stage)
                .where(DealStageChange.deal_id == deal_id)
                .order_by(DealStageChange.id)
            ).all()
        )


async def test_won_asks_first_and_records_no_detour(app, store):
    async with app.run_test(size=(120, 36)) as pilot:
        await open_board(app, pilot)
        await pilot.press("right", "right", "right")  # the negotiation column
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "deals-negotiation")
        kernel = app.screen.query_one("#deals-negotiation", DealList).highlighted_row.deal
        await pilot.press("greater_than_sign")  # past the last open stage: a hint, no move
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")  # no: nothing changes
        await wait_for(pilot, lambda: isinstance(app.screen, PipelineScreen))
        assert deal(store, kernel.id).stage == "negotiation"
        await pilot.press("w", "y")
        await wait_for(pilot, lambda: deal(store, kernel.id).stage == "won")
        await wait_for(pilot, lambda: cards(app, "won") == ["Kernel audit"])
        assert deal(store, kernel.id).closed_at is not None
        won = app.screen.query_one("#stage-won", StageColumn)
        assert won.border_title == "won (1)" and won.border_subtitle == "800.00 EUR"
        assert app.screen.query_one("#stage-negotiation", StageColumn).border_title == (
            "negotiation (0)"
        )
    assert history(store, kernel.id) == ["negotiation", "won"]


@pytest.mark.parametrize("stage", ["lead", "qualified", "proposal", "negotiation"])
async def test_lost_with_a_reason_from_each_open_stage(app, store, ids, stage):
    from termcrm.services import deals, refs

    with store.write() as s:  # the seeded lead deal, moved to `stage` beforehand
        deals.move_deal(s, refs.deal(s, ids["deal"]), stage, actor="tester")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("2")
        await wait_for(pilot, lambda: isinstance(app.screen, PipelineScreen))
        await wait_for(pilot, lambda: "Engine licences" in cards(app, stage))
        column = app.screen.query_one(f"#deals-{stage}", DealList)
        column.focus()
        column.highlighted = cards(app, stage).index("Engine licences")
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ReasonScreen))
        await pilot.press("escape")  # cancelled: it stays
        await wait_for(pilot, lambda: isinstance(app.screen, PipelineScreen))
        assert deal(store, ids["deal"]).stage == stage
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ReasonScreen))
        await pilot.press(*"went with a competitor", "enter")
        await wait_for(pilot, lambda: deal(store, ids["deal"]).stage == "lost")
        await wait_for(pilot, lambda: cards(app, "lost") == ["Engine licences"])
        assert "Engine licences" not in cards(app, stage)
    assert deal(store, ids["deal"]).lost_reason == "went with a competitor"
    assert history(store, ids["deal"]) == [*dict.fromkeys(["lead", stage]), "lost"]


async def test_new_deal_with_a_negative_value_stays_open(app, store):
    async with app.run_test(size=(120, 36)) as pilot:
        await open_board(app, pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: showing(app, DealForm))
        form = app.screen
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
        await wait_for(pilot, lambda: showing(app, DealForm))
        form = app.screen
        await wait_for(pilot, lambda: form.query_one("#field-value", Input).value == "12000.00")
        await pilot.press("tab", "tab")
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "field-value")
        await pilot.press("ctrl+u", *"15000", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, PipelineScreen))
    changed = deal(store, ids["deal"])
    assert changed.value_minor == 1_500_000 and changed.title == "Engine licences"
    assert changed.stage == "lead"


async def test_new_deal_from_a_contacts_detail(app, store, ids, pages):
    from termcrm.tui.screens.contact_detail import ContactDetailScreen

    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        await pilot.press("down", "enter")  # Alan Turing
        await wait_for(pilot, lambda: isinstance(app.screen, ContactDetailScreen))
        assert app.screen.contact_id == ids["alan"]
        detail = app.screen
        await wait_for(pilot, lambda: detail.detail is not None)
        await pilot.press("n", *"Enigma study", "tab", "tab", *"900", "ctrl+s")
        # the detail's table: the deal form may still be the current screen here
        deals_table = detail.query_one("#deals")
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
        await wait_for(pilot, lambda: isinstance(app.screen, PipelineScreen))


async def test_a_board_of_thousands_opens_and_moves_in_a_few_statements(db_path, store):
    """3,000 deals: opening the board and moving a deal cost a fixed number of SQL
    statements (one aggregate, a page of cards per column), not one per deal."""
    import sqlite3

    from sqlalchemy import event

    from termcrm.services import board, contacts
    from termcrm.tui.app import CrmApp

    with store.write() as s:
        contact = contacts.add_contact(s, "Zoë Ölstad", actor="tester")
    stages = ("lead", "qualified", "proposal", "negotiation")
    ts = "2026-11-01 09:00:00.000000"
    con = sqlite3.connect(db_path)
    con.executemany(
        "INSERT INTO deals (title, contact_id, value_minor, currency, stage, expected_close,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (f"Deal {i:04d}", contact.id, 100 * i, "EUR" if i % 3 else "USD", stages[i % 4],
             f"2026-12-{1 + i % 28:02d}", ts, ts)
            for i in range(3000)
        ],
    )  # fmt: skip
    con.commit()
    con.close()
    statements: list[str] = []

    def about_deals(conn, cursor, sql, *args) -> None:
        if "deal" in sql.lower():
            statements.append(sql)

    event.listen(store.engine, "before_cursor_execute", about_deals)
    app = CrmApp(db_target=str(db_path), store=store, refresh_every=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("2")
        await wait_for(pilot, lambda: showing(app, PipelineScreen))
        lead = app.screen.query_one("#stage-lead", StageColumn)
        await wait_for(pilot, lambda: lead.loaded == board.CARDS_PAGE, timeout=20)
        assert lead.border_title == "lead (750)"
        # a page of cards per open column, not 3,000
        loaded = lambda: sum(c.loaded for c in app.screen.query(StageColumn))  # noqa: E731
        await wait_for(pilot, lambda: loaded() == 4 * board.CARDS_PAGE)
        assert len(statements) <= 8, statements  # one aggregate, one page per column
        # scrolling a column down loads its next page
        statements.clear()
        lead.list.focus()
        lead.list.highlighted = board.CARDS_PAGE - 1
        await wait_for(pilot, lambda: lead.loaded == 2 * board.CARDS_PAGE, timeout=20)
        assert len(statements) == 1
        # a move changes two headers and one card
        statements.clear()
        lead.list.highlighted = 0
        first = lead.list.highlighted_row.deal.id
        await pilot.press("greater_than_sign")
        qualified = app.screen.query_one("#stage-qualified", StageColumn)
        await wait_for(pilot, lambda: qualified.border_title == "qualified (751)", timeout=20)
        assert lead.border_title == "lead (749)"
        assert qualified.list.rows[0].deal.id == first
        assert len(statements) <= 6, statements
    event.remove(store.engine, "before_cursor_execute", about_deals)
    assert deal(store, first).stage == "qualified"
