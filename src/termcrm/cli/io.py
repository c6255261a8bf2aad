"""`termcrm import ...` and `termcrm export ...`."""

from __future__ import annotations

import typer

import_app = typer.Typer(help="Import records from CSV or vCard files.")
export_app = typer.Typer(help="Export records as CSV, JSON or vCard.")
