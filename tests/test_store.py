"""The store: file permissions, pragmas, migrations, bad databases."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest
from sqlalchemy import text
from store_helpers import database_at

from termcrm.errors import StoreError
from termcrm.store import bulk, sqlite
from termcrm.store.engine import open_store
from termcrm.store.revision import HEAD


def test_new_database_is_private_and_at_head(db_path):
    store = open_store(str(db_path))
    store.close()
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o600
    con = sqlite3.connect(db_path)
    assert con.execute("select version_num from alembic_version").fetchone() == (HEAD,)


def test_database_directory_is_created_private(crm_env):
    target = crm_env / "new" / "deeper" / "crm.db"
    open_store(str(target)).close()
    assert stat.S_IMODE(os.stat(target.parent).st_mode) == 0o700


def test_connection_pragmas(store):
    with store.read() as s:
        conn = s.connection()
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA secure_delete")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
        assert conn.execute(text("PRAGMA mmap_size")).scalar() == sqlite.MMAP_SIZE


def test_a_bulk_write_reads_without_the_memory_map_and_gets_it_back(store):
    with store.write() as s:
        conn = s.connection()
        with bulk.bulk_cache(conn):
            assert conn.execute(text("PRAGMA mmap_size")).scalar() == 0
        assert conn.execute(text("PRAGMA mmap_size")).scalar() == sqlite.MMAP_SIZE


def test_head_constant_matches_the_migration_scripts():
    from termcrm.store.engine import _script_directory

    assert _script_directory().get_current_head() == HEAD


def test_blank_database_migrates_to_the_models_schema(db_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import termcrm.store.models  # noqa: F401

    store = open_store(str(db_path))
    with store.engine.connect() as conn:
        from termcrm.store.search_index import not_a_model_table

        context = MigrationContext.configure(conn, opts={"include_object": not_a_model_table})
        diff = compare_metadata(context, SQLModel.metadata)
        indexes = {
            r[0] for r in conn.execute(text("select name from sqlite_master where type='index'"))
        }
    store.close()
    assert diff == []
    assert {
        "ux_contacts_email_key",
        "ix_interactions_contact_occurred",
        "ix_tasks_open_due",
    } <= indexes


def test_upgrade_from_the_oldest_schema_keeps_data(db_path):
    """A database made by revision 0001 (before cases and history) upgrades without loss."""
    database_at(
        db_path,
        "0001",
        "insert into contacts (id, name, stage, created_at, updated_at) "
        "values (1, 'Ada', 'customer', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
        "insert into interactions (contact_id, kind, occurred_at, summary, created_at, updated_at) "
        "values (1, 'call', '2026-01-02 00:00:00', 'hi', '2026-01-02 00:00:00', '2026-01-02 00:00:00')",
    )
    store = open_store(str(db_path))  # migrates to HEAD on open
    with store.engine.connect() as conn:
        assert conn.execute(text("select count(*) from interactions")).scalar() == 1
        assert (
            conn.execute(text("select to_stage from contact_stage_changes")).scalar() == "customer"
        )
        assert conn.execute(text("select version_num from alembic_version")).scalar() == HEAD
    store.close()


def test_not_a_sqlite_file_is_refused_untouched(crm_env):
    bogus = crm_env / "notes.txt"
    bogus.write_text("my precious notes\n")
    with pytest.raises(StoreError, match="is not a termcrm database"):
        open_store(str(bogus))
    assert bogus.read_text() == "my precious notes\n"


def test_newer_schema_is_refused(db_path):
    open_store(str(db_path)).close()
    con = sqlite3.connect(db_path)
    con.execute("update alembic_version set version_num = '9999'")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="newer than this termcrm"):
        open_store(str(db_path))


def test_email_uniqueness_is_enforced_by_the_database(store):
    """Two writers cannot both insert one address, in any letter case (ASCII or not): the
    unique `email_key` the models fill on every insert decides, on SQLite as on PostgreSQL."""
    from sqlalchemy.exc import IntegrityError
    from sqlmodel import Session

    from termcrm.store.models import Contact

    with Session(store.engine) as s:
        s.add(Contact(name="a", email="jürgen@x.io"))
        s.commit()
        s.add(Contact(name="b", email="JÜRGEN@X.IO"))
        with pytest.raises(IntegrityError):
            s.commit()


def test_a_long_running_process_can_read_without_the_memory_map(db_path):
    store = open_store(str(db_path), memory_map=False)
    with store.read() as s:
        assert s.connection().execute(text("PRAGMA mmap_size")).scalar() == 0
    store.close()
