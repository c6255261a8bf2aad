"""Top-level `termcrm` commands of this area (filled in by its issue)."""

from __future__ import annotations

import typer


def register(root: typer.Typer) -> None:
    """Add this module's top-level commands to the root app."""
