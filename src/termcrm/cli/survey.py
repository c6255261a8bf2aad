"""`termcrm log survey CONTACT --nps N | --csat N`: satisfaction answers (issue 6)."""

from __future__ import annotations

import typer


def register(log_app: typer.Typer) -> None:
    """Add the `survey` command to the `log` sub-app."""
