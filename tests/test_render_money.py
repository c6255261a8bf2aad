"""Money for people (render.money): every table, board and screen writes amounts this way."""

from __future__ import annotations

from termcrm.render.money import amount, totals


def test_an_amount_keeps_its_cents_and_currency():
    assert amount(120050, "EUR") == "1200.50 EUR"
    assert amount(5, "JPY") == "0.05 JPY"
    assert amount(None, "EUR") == ""


def test_totals_are_never_added_across_currencies():
    assert totals({"USD": 50000, "EUR": 1200000}) == "12000.00 EUR + 500.00 USD"
    assert totals({}) == "0"


def test_the_cli_board_and_the_deal_list_agree(crm):
    crm.ok("contact", "add", "Zoë Ölstad", "--email", "zoe@example.com")
    crm.ok("deal", "add", "Renewal", "--contact", "zoe", "--value", "1,200.5", "--currency", "usd")
    crm.ok("deal", "add", "Upsell", "--contact", "zoe", "--value", "99")
    assert "Open pipeline: 99.00 EUR + 1200.50 USD" in crm.ok("pipeline")
    assert crm.json("pipeline")["open_total"] == {"EUR": "99.00", "USD": "1200.50"}
