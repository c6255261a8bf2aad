"""`termcrm log KIND CONTACT SUMMARY`: record an interaction (one subcommand per kind)."""

from __future__ import annotations

import typer

app = typer.Typer(help="Log an interaction: call, email, meeting, note, chat, sms, social, survey.")
