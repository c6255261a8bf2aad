"""Import: what the bulk write path must keep while going fast (SQLite search-index notes)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from termcrm.services.transfer import pipeline as importer

NOTE_TRIGGERS = ("contact_search_ai", "contact_search_tag_ai")


def _triggers(store) -> dict[str, str]:
    with store.read() as s:
        return dict(
            s.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
        )


def _dirty(store) -> list[int]:
    with store.read() as s:
        return [r[0] for r in s.execute(text("SELECT contact_id FROM contact_search_dirty"))]


def _csv(tmp_path: Path, rows: int, extra: str = "") -> Path:
    body = "".join(f"P{i},p{i}@example.com,Firm {i % 7},t{i % 3}; vip\n" for i in range(rows))
    p = tmp_path / "in.csv"
    p.write_text("name,email,company,tags\n" + body + extra, encoding="utf-8")
    return p


@pytest.fixture
def searchable(store):
    if not all(name in _triggers(store) for name in NOTE_TRIGGERS):
        pytest.skip("this SQLite has no FTS5: no search index")
    return store


def test_a_bulk_import_notes_every_new_contact_and_keeps_the_triggers(searchable, tmp_path):
    store = searchable
    before = _triggers(store)
    result = importer.import_file(store, "contacts", _csv(tmp_path, 4500), actor="t")
    assert result.created == 4500
    assert _triggers(store) == before
    with store.read() as s:
        ids = [r[0] for r in s.execute(text("SELECT id FROM contacts ORDER BY id"))]
    assert sorted(_dirty(store)) == ids
    # the triggers work again afterwards
    with store.write() as s:
        s.execute(text("DELETE FROM contact_search_dirty"))
        s.execute(text("INSERT INTO contact_tags (contact_id, tag) VALUES (7, 'later')"))
    assert _dirty(store) == [7]


def test_a_failed_import_leaves_the_triggers_and_notes_nothing(searchable, tmp_path):
    store = searchable
    before = _triggers(store)
    with pytest.raises(importer.ImportFailed):
        importer.import_file(store, "contacts", _csv(tmp_path, 4500, "Bad,,,,\n"), actor="t")
    assert _triggers(store) == before
    assert _dirty(store) == []


def test_bulk_insert_restores_the_trigger_when_the_insert_fails(searchable):
    from termcrm.errors import Conflict
    from termcrm.store import bulk
    from termcrm.store.models import Contact

    store = searchable
    before = _triggers(store)
    now = "2026-11-18 09:00:00.000000"
    same = "same@example.com"
    rows = [(i, f"P{i}", same, same, "lead", now, now) for i in range(1, 301)]
    columns = ["id", "name", "email", "email_key", "stage", "created_at", "updated_at"]
    with pytest.raises(Conflict), store.write() as s:
        conn = s.connection()
        try:
            bulk.bulk_insert(conn, Contact.__table__, rows, columns, converted=True)
        finally:
            names = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
            assert set(NOTE_TRIGGERS) <= names  # back at once, in the same transaction
    assert _triggers(store) == before


def test_cells_are_trimmed_and_checked_as_the_validators_do(store, tmp_path):
    from sqlmodel import select

    from termcrm.store.models import Contact

    p = tmp_path / "pad.csv"
    long_title = "T" * 201
    p.write_text(
        "name,email,title,source,notes,stage\n"
        "  Ada  ,ada@example.com, CTO ,\tweb\t, n ,lead\n"
        f"Bob,bob@example.com,{long_title},,,lead\n"
        f"Cy,cy@example.com,{long_title},,,nope\n"  # both named, on one line
        "Di,di@example.com,,,,nope\n",
        encoding="utf-8",
    )
    with pytest.raises(importer.ImportFailed) as failed:
        importer.import_file(store, "contacts", p)
    assert [(b.line, b.reason) for b in failed.value.result.bad] == [
        (3, "Title is longer than 200 characters"),
        (
            4,
            "Title is longer than 200 characters; "
            "Unknown stage 'nope'; choose one of: lead, prospect, customer, churned",
        ),
        (5, "Unknown stage 'nope'; choose one of: lead, prospect, customer, churned"),
    ]
    p.write_text(
        "name,email,title,source,notes\n  Ada  ,ada@example.com, CTO ,\tweb\t, n \n",
        encoding="utf-8",
    )
    importer.import_file(store, "contacts", p)
    with store.read() as s:
        ada = s.exec(select(Contact)).one()
    assert (ada.name, ada.title, ada.source, ada.notes) == ("Ada", "CTO", "web", "n")


def test_the_bigger_page_cache_is_only_for_the_import(store):
    from termcrm.store import bulk

    with store.write() as s:
        conn = s.connection()
        before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        with bulk.bulk_cache(conn):
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -bulk.BULK_CACHE_KIB
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == before


def test_a_big_bulk_insert_really_lifts_migration_0004s_note_trigger(searchable):
    """The lifter recognises the trigger by its text: if migration 0004 and the lifter ever
    disagree, the lift silently stops and big imports get twice as slow."""
    from termcrm.store import bulk, search_index
    from termcrm.store.models import Contact

    store = searchable
    assert _triggers(store)["contact_search_ai"] == search_index.trigger_sql("contact_search_ai")
    now = "2026-11-18 09:00:00.000000"
    rows = [(i, f"Zoë {i}", f"z{i}@example.com", "lead", now, now) for i in range(1, 301)]
    columns = ["id", "name", "email", "stage", "created_at", "updated_at"]
    statements: list[str] = []
    with store.write() as s:
        conn = s.connection()
        conn.connection.driver_connection.set_trace_callback(statements.append)
        try:
            bulk.bulk_insert(conn, Contact.__table__, rows, columns, converted=True)
        finally:
            conn.connection.driver_connection.set_trace_callback(None)
    assert "DROP TRIGGER contact_search_ai" in statements
    assert _triggers(store)["contact_search_ai"] == search_index.trigger_sql("contact_search_ai")
    assert sorted(_dirty(store)) == list(range(1, 301))
