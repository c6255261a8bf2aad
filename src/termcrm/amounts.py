"""Money as a decimal string, the one rule: `--json`, exports and every screen use it.

Standard library only, so that the TUI's first screen can format amounts without loading
the domain layer (see `termcrm.firstpage`).
"""

from __future__ import annotations

from decimal import Decimal


def money(minor: int | None) -> str | None:
    """Minor units as a decimal string with two places: 123456 -> '1234.56'."""
    if minor is None:
        return None
    return str((Decimal(minor) / 100).quantize(Decimal("0.01")))
