"""Money for people: the one way every screen and table writes an amount.

Amounts are integer minor units with their currency (see `termcrm.amounts.money` for the
decimal string that `--json` and exports carry). Money is never added across currencies:
totals list one amount per currency.
"""

from __future__ import annotations

from termcrm.amounts import money as decimal_text


def amount(minor: int | None, currency: str) -> str:
    """`1200.50 EUR`; "" when there is no amount."""
    if minor is None:
        return ""
    return f"{decimal_text(minor)} {currency}"


def totals(by_currency: dict[str, int]) -> str:
    """`12000.00 EUR + 500.00 USD`, by currency code; `0` when there is nothing."""
    if not by_currency:
        return "0"
    return " + ".join(amount(v, cur) for cur, v in sorted(by_currency.items()))
