"""`termcrm deal ...` and `termcrm pipeline`."""

from __future__ import annotations

import typer

app = typer.Typer(help="Deals in the pipeline.")


def register(root: typer.Typer) -> None:
    """Top-level commands of this module (`pipeline`)."""
