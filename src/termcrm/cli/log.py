"""`termcrm log KIND CONTACT SUMMARY`: record an interaction (one subcommand per kind)."""

from __future__ import annotations

import typer

from termcrm.cli import survey

app = typer.Typer(
    help="Log an interaction: call, email, meeting, note, chat, sms, social, survey.",
    no_args_is_help=True,
)

survey.register(app)
