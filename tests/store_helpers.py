"""Databases as an older termcrm left them, for the tests of the migrations after."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def database_at(db_path: Path, revision: str, *statements: str | tuple[str, dict]) -> None:
    """Make `db_path` anew as termcrm at `revision` made it, then run `statements` in it
    (raw SQL, each alone or with its parameters), as that version's writes would have."""
    from alembic import command
    from sqlalchemy import text

    from termcrm.store import engine

    db_path.unlink(missing_ok=True)  # the tests' database is migrated already: start anew
    store = engine.Store(
        str(db_path), engine.make_engine(f"sqlite:///{db_path}", foreign_keys=False)
    )
    engine.sqlite.prepare_sqlite_file(db_path)
    try:
        with store.engine.begin() as conn:
            cfg = engine._alembic_config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            for statement in statements:
                sql, params = statement if isinstance(statement, tuple) else (statement, {})
                conn.execute(text(sql), params)
    finally:
        store.close()


def set_revision(db_path: Path, revision: str) -> None:
    """Mark `db_path` as made by termcrm at `revision` (what an older or newer file says)."""
    con = sqlite3.connect(db_path)
    with con:
        con.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    con.close()
