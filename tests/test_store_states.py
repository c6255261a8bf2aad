"""Clear words for the database's own states, private files, and a search index that
forgets a deleted contact at once."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from termcrm.errors import StoreError
from termcrm.store import sqlite as store_sqlite


def test_a_database_locked_past_the_busy_timeout_says_so(crm, db_path, run_termcrm):
    """Another program holds the lock for longer than termcrm waits (5 s): exit 1 with the
    reason and what to do, not "Not a termcrm database"."""
    crm.ok("contact", "add", "Ada")
    holder = sqlite3.connect(db_path, isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode=EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        done = run_termcrm("contact", "add", "Bob")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert done.returncode == 1
    assert done.stderr == (
        "Error: The database is locked by another writer; try again in a moment\n"
    )
    assert [c["name"] for c in crm.json("contact", "list")] == ["Ada"]


@pytest.mark.parametrize(
    ("said", "meaning"),
    [
        ("database is locked", store_sqlite.LOCKED),
        ("database table is locked", store_sqlite.LOCKED),
        ("attempt to write a readonly database", store_sqlite.READ_ONLY),
        ("unable to open database file", store_sqlite.READ_ONLY),
        ("no such table: contacts", None),
    ],
)
def test_sqlite_states_in_words_a_user_acts_on(said, meaning):
    assert store_sqlite.state_error(said) == meaning


def test_a_read_only_database_says_read_only(crm, db_path):
    """SQLite opened read-only (as for a file or directory the user cannot write): a write
    is refused with the reason, and nothing changes."""
    from termcrm.services import contacts
    from termcrm.store.engine import Store, make_engine

    crm.ok("contact", "add", "Ada")
    engine = make_engine(f"sqlite:///{db_path}")
    engine.pool._creator = lambda: sqlite3.connect(  # what SQLite does for a read-only file
        f"file:{db_path}?mode=ro", uri=True, check_same_thread=False
    )
    store = Store(str(db_path), engine)
    try:
        with store.read() as s:
            assert [v.contact.name for v in contacts.list_contacts(s)] == ["Ada"]
        with pytest.raises(StoreError) as caught, store.write() as s:
            contacts.add_contact(s, "Bob")
        assert caught.value.message == store_sqlite.READ_ONLY
        assert caught.value.exit_code == 1
    finally:
        store.close()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any file")
def test_a_read_only_file_says_read_only_to_its_user(crm, db_path):
    crm.ok("contact", "add", "Ada")
    os.chmod(db_path, 0o400)
    os.chmod(db_path.parent, 0o500)
    try:
        result = crm("contact", "add", "Bob")
    finally:
        os.chmod(db_path.parent, 0o700)
        os.chmod(db_path, 0o600)
    assert result.exit_code == 1
    assert "read-only" in result.stderr


def test_an_existing_database_readable_by_others_is_made_private(crm, db_path):
    crm.ok("contact", "add", "Ada")
    wal = db_path.with_name(db_path.name + "-wal")
    if not wal.exists():
        wal.write_bytes(b"")
    os.chmod(db_path, 0o644)
    os.chmod(wal, 0o664)
    crm.ok("contact", "list")
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert not wal.exists() or stat.S_IMODE(wal.stat().st_mode) == 0o600


def test_directories_termcrm_creates_are_private_whatever_the_umask(crm, tmp_path, monkeypatch):
    target = tmp_path / "a" / "b" / "crm.db"
    monkeypatch.setenv("TERMCRM_DB", str(target))
    old = os.umask(0o022)
    try:
        crm.ok("contact", "add", "Ada")
    finally:
        os.umask(old)
    for folder in (tmp_path / "a", tmp_path / "a" / "b"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_remind_creates_its_state_folder_private(crm, run_termcrm, crm_env):
    crm.ok("task", "add", "Pay", "--due", "yesterday")
    done = run_termcrm("remind")
    assert done.returncode == 0 and "overdue" in done.stdout
    state = crm_env / "home" / ".local" / "state"
    for folder in (state, state / "termcrm"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def _indexed(db_path) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'contact_search'").fetchone():
            pytest.skip("this SQLite has no FTS5")
        return conn.execute("SELECT rowid, name, email FROM contact_search").fetchall()
    finally:
        conn.close()


def test_deleting_a_contact_removes_it_from_the_search_index_at_once(crm, db_path, store):
    from termcrm.services import search

    crm.ok("contact", "add", "Zoë Ölstad", "--email", "zoe@example.com", "--tag", "vip")
    crm.ok("contact", "add", "Ada Lovelace")
    with store.write() as s:
        search.refresh_index(s)  # as the TUI does in the background
    assert any(row[2] == "zoe@example.com" for row in _indexed(db_path))
    crm.ok("contact", "delete", "zoe@example.com", "--yes")
    assert [row[1] for row in _indexed(db_path)] == ["ada lovelace"]  # folded for search
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("SELECT count(*) FROM contact_search_dirty").fetchone()[0] <= 1
        hits = conn.execute(
            "SELECT count(*) FROM contact_search WHERE contact_search MATCH '\"zoe@example\"'"
        ).fetchone()[0]
    finally:
        conn.close()
    assert hits == 0
