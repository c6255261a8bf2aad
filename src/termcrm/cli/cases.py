"""`termcrm case ...`: customer service cases."""

from __future__ import annotations

import typer

app = typer.Typer(help="Service cases: complaints and support requests.")
