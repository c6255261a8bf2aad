"""Database maintenance: checks and backups (through the store's SQLite seam)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from termcrm.store import engine, sqlite
from termcrm.store.revision import HEAD


def check(target: str | None) -> dict[str, Any]:
    """Integrity, foreign keys and schema revision, without migrating anything."""
    store = engine.open_store(target, migrate=False)
    try:
        revision = engine.current_revision(store)
        if revision is None:  # first use: create the schema, as every command does
            engine.ensure_schema(store)
            revision = engine.current_revision(store)
        with store.engine.connect() as conn:
            problems = sqlite.integrity_problems(conn)
        if revision != HEAD:
            problems.append(
                f"schema {revision} is not the newest ({HEAD}); run `termcrm db upgrade`"
            )
        return {
            "database": store.display_name,
            "dialect": store.dialect,
            "revision": revision,
            "head": HEAD,
            "problems": problems,
            "ok": not problems,
        }
    finally:
        store.close()


def backup(store: engine.Store, dest: Path) -> None:
    sqlite.backup(store.engine, dest)
