"""services/board.py: the board's headers from one aggregate, its cards a page at a time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from termcrm import dates
from termcrm.services import board, contacts, deals
from termcrm.store.models import Deal, DealStageChange


def _book(store):
    with store.write() as s:
        unal = contacts.add_contact(s, "Ünal Çelik", email="unal@example.com", actor="tester")
        zoe = contacts.add_contact(s, "Zoë Ölstad", actor="tester")
        made = [
            deals.add_deal(s, "Ölpreis-Analyse", contact=unal, value="1,200.50", currency="EUR",
                           close="2026-12-01", actor="tester"),
            deals.add_deal(s, "Licences", contact=unal, value="500", currency="USD",
                           close="2026-11-25", actor="tester"),
            deals.add_deal(s, "Support", contact=zoe, value="99.99", actor="tester"),
            deals.add_deal(s, "Audit", contact=zoe, value="1000", stage="proposal",
                           actor="tester"),
            deals.add_deal(s, "Old win", contact=zoe, value="7", stage="won", actor="tester"),
        ]  # fmt: skip
        old = made[-1]
        old.closed_at = dates.now() - timedelta(days=board.BOARD_CLOSED_DAYS + 1)
        s.add(old)
    return [d.id for d in made]


def test_summary_counts_and_adds_up_per_currency_never_across(store):
    _book(store)
    with store.read() as s:
        columns = board.summary(s)
    assert list(columns) == ["lead", "qualified", "proposal", "negotiation", "won", "lost"]
    assert columns["lead"].count == 3
    assert columns["lead"].total == {"EUR": 130049, "USD": 50000}
    assert columns["proposal"].total == {"EUR": 100000}
    assert columns["won"].count == 0  # closed longer ago than the board shows
    assert board.open_total(columns) == {"EUR": 230049, "USD": 50000}


def test_cards_come_a_page_at_a_time_soonest_close_first(store):
    _book(store)
    with store.read() as s:
        first = board.cards(s, "lead", limit=2)
        rest = board.cards(s, "lead", offset=2, limit=2)
    assert [r.deal.title for r in first] == ["Licences", "Ölpreis-Analyse"]
    assert [r.deal.title for r in rest] == ["Support"]  # no close date: last
    assert first[0].contact == "Ünal Çelik"


def test_move_reads_back_the_two_columns_it_changed(store):
    ids = _book(store)
    with store.write() as s:
        moved = board.move(s, ids[3], "lost", reason="went elsewhere", actor="tester")
    assert moved.old_stage == "proposal" and moved.row.deal.stage == "lost"
    assert set(moved.columns) == {"proposal", "lost"}
    assert moved.columns["proposal"].count == 0 and moved.columns["lost"].count == 1
    with store.read() as s:
        deal = s.get(Deal, ids[3])
        stages = s.exec(
            select(DealStageChange.to_stage).where(DealStageChange.deal_id == ids[3])
        ).all()
    assert deal.lost_reason == "went elsewhere"
    assert list(stages) == ["proposal", "lost"]  # no false win on the way


def test_find_deals_by_title_in_any_letter_case(store):
    _book(store)
    with store.read() as s:
        found = board.find_deals(s, "ÖLPREIS")
        wildcard = board.find_deals(s, "%")
    assert [r.deal.title for r in found] == ["Ölpreis-Analyse"]
    assert wildcard == []  # a percent sign is a character, not a wildcard


def test_the_board_of_one_owner_matches_any_letter_case(store):
    _book(store)
    with store.write() as s:
        s.get(Deal, 1).owner = "ÜNAL"
    with store.read() as s:
        columns = board.summary(s, owner="ünal")
        cards = board.cards(s, "lead", owner="Ünal")
    assert columns["lead"].count == 1
    assert [r.deal.id for r in cards] == [1]


def _mixed_board(store) -> None:
    """Deals dated and undated in an open stage, and closings recent, old and undated (an
    imported `won` without a date) in the closed ones, with ties on the dates."""
    with store.write() as s:
        zoe = contacts.add_contact(s, "Zoë Ölstad", actor="tester")
        for i in range(11):
            close = None if i % 3 == 0 else f"2026-12-{1 + i % 4:02d}"
            deals.add_deal(s, f"Open {i:02d}", contact=zoe, value="1", close=close,
                           actor="tester")  # fmt: skip
        for i in range(9):
            won = deals.add_deal(s, f"Won {i:02d}", contact=zoe, value="1", stage="won",
                                 actor="tester")  # fmt: skip
            days = [1, 1, 3, 40, 2][i % 5]
            won.closed_at = None if i == 4 else dates.now() - timedelta(days=days)
            s.add(won)


def _full_order(store, stage) -> list[str]:
    """The column's order written the plain way: every deal of the stage, sorted in Python."""
    since = board.closed_since()
    with store.read() as s:
        rows = s.exec(select(Deal).where(Deal.stage == stage)).all()
    on_board = [d for d in rows if d.closed_at is None or d.closed_at >= since]

    def key(d):
        if stage in ("won", "lost"):
            return (d.closed_at is None, -(d.closed_at.timestamp() if d.closed_at else 0), -d.id)
        return (d.expected_close is None, d.expected_close or dates.today(), d.id)

    return [d.title for d in sorted(on_board, key=key)]


@pytest.mark.parametrize("stage", ["lead", "won"])
@pytest.mark.parametrize("page", [1, 2, 3, 4, 7, 30])
def test_pages_of_any_size_add_up_to_the_one_order_and_the_count(store, stage, page):
    _mixed_board(store)
    want = _full_order(store, stage)
    got: list[str] = []
    with store.read() as s:
        while batch := board.cards(s, stage, offset=len(got), limit=page):
            got += [r.deal.title for r in batch]
        count = board.summary(s)[stage].count
    assert got == want and len(got) == count
