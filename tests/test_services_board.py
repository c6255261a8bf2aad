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


# -- the pipeline command's board: the same aggregate, never every deal ------------------------


def test_weighted_value_in_sql_is_the_python_rule(store):
    """`deals.weighted_minor_sql` (summed by the database) and `deals.weighted_minor` agree
    to the cent, rounding included, for every stage and probability."""
    from itertools import product

    stages = ["lead", "qualified", "proposal", "negotiation", "won", "lost"]
    probabilities = [None, 0, 1, 33, 99, 100]
    values = [0, 1, 49, 50, 151, 333_333, 999_999_999_999_999]
    with store.write() as s:
        made = [
            Deal(title="x", value_minor=v, stage=st, probability=p)
            for st, p, v in product(stages, probabilities, values)
        ]
        s.add_all(made)
        s.flush()
        in_sql = dict(s.exec(select(Deal.id, deals.weighted_minor_sql())).all())
        assert {d.id: deals.weighted_minor(d) for d in made} == in_sql


def _reference(session, owner=None, per_column=50):
    """What `pipeline --json` printed before it used the aggregate: every deal read and
    added up in Python (kept here as the oracle)."""
    from sqlmodel import col

    from termcrm.services import owners, records
    from termcrm.vocab import DEAL_STAGES

    since = board.closed_since()
    stmt = select(Deal).where((col(Deal.closed_at).is_(None)) | (col(Deal.closed_at) >= since))
    if owner:
        stmt = stmt.where(owners.condition(session, Deal.owner, owner))
    stmt = stmt.order_by(col(Deal.expected_close).is_(None), Deal.expected_close, Deal.id)
    cols = {
        s: {"stage": s, "count": 0, "total": {}, "weighted": {}, "ids": []} for s in DEAL_STAGES
    }
    for d in session.exec(stmt).all():
        c = cols[d.stage]
        c["count"] += 1
        c["total"][d.currency] = c["total"].get(d.currency, 0) + d.value_minor
        c["weighted"][d.currency] = c["weighted"].get(d.currency, 0) + deals.weighted_minor(d)
        if len(c["ids"]) < per_column:
            c["ids"].append(d.id)
    return [
        {
            "stage": c["stage"],
            "count": c["count"],
            "total": records.money_by_currency(c["total"]),
            "weighted": records.money_by_currency(c["weighted"]),
            "ids": c["ids"],
        }
        for c in cols.values()
    ]


def _many(store, n=200, actor="tester", other="Ünal"):
    """More deals than a column shows, in three currencies, odd cents and probabilities,
    shared close dates (ties go by id), closed ones in and out of the board's window."""
    with store.write() as s:
        who = contacts.add_contact(s, "Ünal Çelik", actor=actor)
        for i in range(n):
            d = deals.add_deal(
                s, f"D{i}", contact=who, value=f"{i * 7.37:.2f}",
                currency=("EUR", "USD", "GBP")[i % 3],
                stage=("lead", "lead", "proposal", "won", "lost", "negotiation")[i % 6],
                probability=None if i % 4 else str(i % 101),
                close=None if i % 5 == 0 else f"2026-12-{1 + i % 9:02d}",
                owner=other if i % 2 else None, actor=actor,
            )  # fmt: skip
            if i % 12 == 3:
                d.closed_at = dates.now() - timedelta(days=board.BOARD_CLOSED_DAYS + 1)
                s.add(d)


def _shape(data):
    return [
        {**{k: v for k, v in st.items() if k != "deals"}, "ids": [d["id"] for d in st["deals"]]}
        for st in data["stages"]
    ]


@pytest.mark.parametrize("owner", [None, "ÜNAL"])
def test_pipeline_json_is_what_reading_every_deal_gave(crm, store, owner):
    _many(store)
    args = ("--owner", owner) if owner else ()
    data = crm.json("pipeline", *args)
    with store.read() as s:
        expected = _reference(s, owner=owner.lower() if owner else None)
    assert _shape(data) == expected
    if owner is None:  # some columns show only their first 50
        assert sum(len(st["deals"]) for st in data["stages"]) < sum(e["count"] for e in expected)


def test_pipeline_reads_a_page_per_column_never_every_deal(store):
    from sqlalchemy import event

    _many(store, n=400)
    loaded = []

    def count(target, context):
        loaded.append(target.id)

    event.listen(Deal, "load", count)
    try:
        with store.read() as s:
            shown = board.pipeline(s, per_column=10)
    finally:
        event.remove(Deal, "load", count)
    assert sum(c.count for c in shown.columns) > 300
    assert len(loaded) == sum(len(c.deals) for c in shown.columns) <= 60


def test_pipeline_text_keeps_its_lines(crm, store):
    _many(store, n=40)
    text = crm.ok("pipeline")
    data = crm.json("pipeline")
    assert text.splitlines()[0].split() == ["Stage", "Deals", "Total", "Weighted"]
    for st, line in zip(data["stages"], text.splitlines()[1:7], strict=True):
        assert line.split()[:2] == [st["stage"], str(st["count"])]
    assert text.splitlines()[-1].startswith("Open pipeline: ")


@pytest.mark.postgres
def test_pipeline_on_postgresql_is_what_reading_every_deal_gave(crm, pg_url, monkeypatch):
    from termcrm.store.engine import open_store

    monkeypatch.setenv("TERMCRM_DB", pg_url)
    pg = open_store(pg_url)
    try:
        _many(pg, n=120, actor=None, other=None)
        data = crm.json("pipeline")
        with pg.read() as s:
            assert _shape(data) == _reference(s)
    finally:
        pg.close()
