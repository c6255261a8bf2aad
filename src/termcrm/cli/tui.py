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
    import importlib

    from termcrm.cli._context import state

    st = state()
    # opened (and migrated) here, so its errors are the CLI's one line; a long session reads
    # without the memory map (every page read through it would stay resident)
    store = st.store(memory_map=False)
    # the shells stay independent (import-linter): the app is looked up by name
    app = importlib.import_module("termcrm.tui.app").CrmApp
    app(db_target=st.db, actor=st.actor, store=store).run()
