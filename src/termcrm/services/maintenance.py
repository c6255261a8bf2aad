"""Database maintenance: checks, backups and restores, on SQLite (its own file tools) and
PostgreSQL (pg_dump/pg_restore, and the team's roles, grants and policies)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from termcrm.store import engine, postgres, sqlite, teamsql
from termcrm.store.revision import HEAD


def check(target: str | None) -> dict[str, Any]:
    """Integrity, references, schema revision and (PostgreSQL) the team's roles, grants,
    policies and audit triggers, without migrating anything."""
    store = engine.open_store(target, migrate=False)
    try:
        revision = engine.current_revision(store)
        if revision is None:  # first use: create the schema, as every command does
            engine.ensure_schema(store)
            revision = engine.current_revision(store)
        with store.engine.connect() as conn:
            problems = sqlite.integrity_problems(conn)
            if store.dialect == "postgresql":
                problems += postgres.invalid_constraints(conn)
                problems += orphans(conn)
                if revision == HEAD:
                    problems += teamsql.problems(conn)
        if revision != HEAD:
            problems.append(
                f"schema {revision} is not the newest ({HEAD}); run `termcrm db upgrade`"
            )
        else:
            problems += _email_clashes(store)
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


def orphans(conn: Connection) -> list[str]:
    """Rows whose reference points at no row (SQLite's `foreign_key_check`, for any engine)."""
    from sqlmodel import SQLModel

    import termcrm.store.models  # noqa: F401  (registers the tables)

    found = []
    for table in SQLModel.metadata.sorted_tables:
        for fk in table.foreign_keys:
            child, parent = fk.parent, fk.column
            n = conn.execute(
                text(
                    f"SELECT count(*) FROM {table.name} c WHERE c.{child.name} IS NOT NULL "
                    f"AND NOT EXISTS (SELECT 1 FROM {parent.table.name} p "
                    f"WHERE p.{parent.name} = c.{child.name})"
                )
            ).scalar()
            if n:
                found.append(f"{n} {table.name} rows refer to a missing {parent.table.name} row")
    return found


def _email_clashes(store: engine.Store) -> list[str]:
    """Contacts whose address another contact has in another letter case: migration 0007
    left them without the unique key rather than merge two people (docs/security.md)."""
    from sqlmodel import col, select

    from termcrm.store.models import Contact, email_key

    with store.read() as s:
        left = s.exec(
            select(Contact).where(col(Contact.email).is_not(None), col(Contact.email_key).is_(None))
        ).all()
        problems = []
        for c in left:
            key = email_key(c.email)
            if key is None:
                continue
            holder = s.exec(select(Contact).where(Contact.email_key == key)).first()
            other = f"#{holder.id}" if holder is not None else "another contact"
            problems.append(
                f"contact #{c.id} <{c.email}> has the address of {other} in another letter "
                f"case; give it its own address (`termcrm contact edit {c.id} --email ...`)"
            )
        return problems


def backup(store: engine.Store, dest: Path) -> None:
    """SQLite: the online backup API; PostgreSQL: pg_dump's custom format. File mode 0600."""
    if store.dialect == "postgresql":
        postgres.dump(store.engine, dest)
    else:
        sqlite.backup(store.engine, dest)


def restore(store: engine.Store, source: Path) -> None:
    """Put a backup made by `backup` back in place of the database's contents."""
    if store.dialect == "postgresql":
        postgres.restore(store.engine, source)
        with store.engine.begin() as conn:  # grants for this database's own roles
            teamsql.install(conn)
    else:
        sqlite.restore(store.engine, source)
