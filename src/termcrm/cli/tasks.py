"""`termcrm task ...`: follow-ups and to-dos."""

from __future__ import annotations

import typer

app = typer.Typer(help="Tasks and follow-ups.")
