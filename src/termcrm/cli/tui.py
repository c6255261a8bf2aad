"""`termcrm tui`: the full-screen app (Textual is imported only when it runs)."""

from __future__ import annotations

import typer


def register(root: typer.Typer) -> None:
    """Add `tui` to the root app."""
    root.command("tui")(tui)


def tui() -> None:
    """Open the full-screen app: contacts, pipeline, agenda and dashboard.

    Keys: 1-4 switch screens, / searches, enter opens, n/e/l/t add, edit, log, add a task,
    ? lists every key, ctrl+p finds any action, q quits.

    Example: crm tui
    """
    from termcrm.cli._context import state
    from termcrm.tui.app import CrmApp  # the shells' one dependency (see pyproject.toml)

    st = state()
    # opened (and migrated) here, so its errors are the CLI's one line; a long session reads
    # without the memory map (every page read through it would stay resident)
    store = st.store(memory_map=False)
    CrmApp(db_target=st.db, actor=st.actor, store=store).run()
