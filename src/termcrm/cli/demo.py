"""`termcrm demo`: fill the current database with a realistic sample."""

from __future__ import annotations

from typing import Annotated

import typer

from termcrm.cli._context import state
from termcrm.cli._options import JsonOpt
from termcrm.cli._output import out


def demo(
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random sample.")] = 7,
    json_: JsonOpt = False,
) -> None:
    """Fill the current (empty) database with a realistic sample data set.

    Example: crm --db demo.db demo && crm --db demo.db today
    """
    from dataclasses import asdict

    from termcrm.services import demo as demo_service

    st = state()
    with st.store().write() as s:
        summary = demo_service.fill(s, seed=seed, actor=st.actor)
    if json_:
        out.json(asdict(summary))
        return
    out.ok(
        f"Added {summary.contacts} contacts at {summary.companies} companies, "
        f"{summary.interactions} interactions, {summary.deals} deals, {summary.tasks} tasks "
        f"and {summary.cases} cases to {st.store().display_name}."
    )
    out.hint("Try: crm pipeline · crm today · crm contact list · crm tui")


def register(root: typer.Typer) -> None:
    root.command("demo")(demo)
