"""`termcrm deal ...` and `termcrm pipeline`."""

from __future__ import annotations

import pytest


@pytest.fixture
def ada(crm):
    crm.ok(
        "contact", "add", "Ada Lovelace", "--email", "ada@example.com", "--company", "Analytical"
    )
    return "ada"


def test_add_deal_takes_the_contacts_company_and_money_exactly(crm, ada):
    deal = crm.json(
        "deal", "add", "Renewal", "--contact", ada, "--value", "1,234.50", "--close", "eom"
    )
    assert deal["value"] == "1234.50"
    assert deal["value_minor"] == 123450
    assert deal["currency"] == "EUR"
    assert deal["company"] == "Analytical"
    assert deal["stage"] == "lead"
    assert deal["expected_close"] == "2026-11-30"
    assert deal["owner"] == "tester"


def test_won_and_lost_close_the_deal_and_reopening_clears_it(crm, ada):
    crm.ok("deal", "add", "A", "-c", ada, "-v", "100")
    crm.ok("deal", "add", "B", "-c", ada, "-v", "200")
    assert crm.ok("deal", "move", "1", "proposal") == "Deal #1 A is now proposal\n"
    won = crm.json("deal", "won", "1")
    assert won["stage"] == "won" and won["closed_at"] == "2026-11-18T09:00:00+00:00"
    lost = crm.json("deal", "lost", "2", "--reason", "price")
    assert (lost["stage"], lost["lost_reason"]) == ("lost", "price")
    reopened = crm.json("deal", "move", "2", "negotiation")
    assert reopened["closed_at"] is None and reopened["lost_reason"] is None
    history = crm.json("deal", "show", "1")["history"]
    assert [(h["from_stage"], h["to_stage"]) for h in history] == [
        (None, "lead"), ("lead", "proposal"), ("proposal", "won")
    ]  # fmt: skip


def test_moving_to_the_same_stage_changes_nothing(crm, ada):
    crm.ok("deal", "add", "A", "-c", ada, "-v", "100", "--stage", "proposal")
    assert crm.ok("deal", "move", "1", "proposal") == "Deal #1 A is already proposal\n"
    assert len(crm.json("deal", "show", "1")["history"]) == 1


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["deal", "add", "X", "-c", "ada", "-v", "-5"], 2, "Error: Invalid amount '-5': must not be negative"),
        (["deal", "add", "X", "-c", "ada", "-v", "lots"], 2, "Error: Invalid amount 'lots': not a number"),
        (["deal", "add", "X", "-c", "ada", "-v", "1.005"], 2, "Error: Invalid amount '1.005': at most two decimals"),
        (["deal", "add", "X", "-c", "ada", "-v", "5", "--stage", "closed"], 2, "Error: Unknown stage 'closed'"),
        (["deal", "add", "X", "-c", "ada", "-v", "5", "--currency", "euro"], 2, "Error: Invalid currency 'euro'"),
        (["deal", "add", "X", "-c", "ada", "-v", "5", "--probability", "120"], 2, "Error: Invalid probability '120'"),
        (["deal", "add", "X", "-c", "ada", "-v", "5", "--close", "soonish"], 2, "Error: Cannot read 'soonish' as a date"),
        (["deal", "add", "X", "-c", "nobody", "-v", "5"], 1, "Error: No contact matches 'nobody'"),
        (["deal", "move", "42", "won"], 1, "Error: No deal with id 42"),
        (["deal", "move", "abc", "won"], 2, "Error: Invalid deal id 'abc'"),
        (["deal", "won", "7"], 1, "Error: No deal with id 7"),
    ],
)  # fmt: skip
def test_bad_input(crm, ada, args, code, message):
    result = crm(*args)
    assert result.exit_code == code, result.output
    assert result.stderr.startswith(message)
    assert crm.json("deal", "list") == []


def test_list_filters(crm, ada):
    crm.ok("deal", "add", "A", "-c", ada, "-v", "100", "--owner", "sam")
    crm.ok("deal", "add", "B", "-c", ada, "-v", "200", "--stage", "won")
    crm.ok("deal", "add", "C", "-c", ada, "-v", "300", "--stage", "lost")
    titles = lambda *a: [d["title"] for d in crm.json("deal", "list", *a)]  # noqa: E731
    assert titles("--open") == ["A"]
    assert titles("--won") == ["B"]
    assert titles("--lost") == ["C"]
    assert titles("--owner", "SAM") == ["A"]
    assert titles("--stage", "won") == ["B"]
    assert crm("deal", "list", "--open", "--won").exit_code == 2


def test_pipeline_totals_per_currency_and_weighted(crm, ada):
    crm.ok("deal", "add", "A", "-c", ada, "-v", "1000", "--stage", "proposal")
    crm.ok("deal", "add", "B", "-c", ada, "-v", "500", "--stage", "proposal", "--currency", "USD")
    crm.ok(
        "deal", "add", "C", "-c", ada, "-v", "2000", "--stage", "proposal", "--probability", "90"
    )
    board = crm.json("pipeline")
    proposal = next(s for s in board["stages"] if s["stage"] == "proposal")
    assert proposal["count"] == 3
    assert proposal["total"] == {"EUR": "3000.00", "USD": "500.00"}
    assert proposal["weighted"] == {"EUR": "2300.00", "USD": "250.00"}
    assert [s["stage"] for s in board["stages"]] == [
        "lead", "qualified", "proposal", "negotiation", "won", "lost"
    ]  # fmt: skip
    text = crm.ok("pipeline")
    assert "proposal     3      3000.00 EUR + 500.00 USD" in text
