"""`termcrm.firstpage`, the TUI's first page read with sqlite3 alone, pinned to the pager.

The twin must show exactly what `services.pager` shows for the unfiltered list by name, on
data chosen to trip it: non-ASCII names that `lower()` leaves alone, the same name twice,
names differing only in case, contacts without company or interactions, timed, undated,
done and several open tasks.
"""

from __future__ import annotations

import dataclasses

import pytest
from store_helpers import set_revision

from termcrm import firstpage
from termcrm.services import contacts, interactions, pager, tasks


@pytest.fixture
def awkward(store):
    names = [
        "Zoë Ölstad", "zoe olstad", "Ünal Çelik", "ada lovelace", "Ada Lovelace",
        "Ada Lovelace", "Émile Zola", "émile zola", "Łukasz", "李小龍", "O'Brien",
        "  spaced ", "Ådne", "a", "Z",
    ]  # fmt: skip
    with store.write() as s:
        made = [
            contacts.add_contact(
                s, name, company=("Acme" if i % 3 else None), actor="tester", owner="Ünal"
            )
            for i, name in enumerate(names)
        ]
        for i, c in enumerate(made):
            if i % 2:
                interactions.log_interaction(s, c, "call", "Hello", when=f"2026-11-{1 + i:02d}")
            if i % 4 == 0:
                tasks.add_task(s, "Undated", contact=c, actor="tester")
                tasks.add_task(s, "Timed", due="2026-11-20 09:30", contact=c, actor="tester")
                tasks.add_task(s, "Sooner", due="2026-11-19", contact=c, actor="tester")
            if i % 5 == 0:
                done = tasks.add_task(s, "Done first", due="2026-11-01", contact=c,
                                      actor="tester")  # fmt: skip
                tasks.complete_task(s, done)
    return made


def _pager(store, limit):
    with store.read() as s:
        return pager.contact_page(s, limit=limit), pager.count(s)


@pytest.mark.parametrize("limit", [0, 1, 2, 5, 6, 14, 15, 60])
def test_the_first_page_is_the_pagers(store, db_path, awkward, limit):
    want_rows, want_total = _pager(store, limit)
    got = firstpage.first_page(str(db_path), limit)
    assert got is not None
    rows, total = got
    assert total == want_total == len(awkward)
    assert [dataclasses.astuple(r) for r in rows] == [dataclasses.astuple(r) for r in want_rows]


def test_an_empty_database_has_an_empty_first_page(store, db_path):
    assert firstpage.first_page(str(db_path), 60) == ([], 0)


def test_anything_but_this_schema_is_left_to_the_pager(store, db_path, tmp_path):
    set_revision(db_path, "0001")
    assert firstpage.first_page(str(db_path), 60) is None  # an older file: migrate first
    (tmp_path / "junk.db").write_bytes(b"not a database at all")
    assert firstpage.first_page(str(tmp_path / "junk.db"), 60) is None
    assert firstpage.first_page(str(tmp_path / "missing.db"), 60) is None
    assert not (tmp_path / "missing.db").exists()  # never created


def test_the_page_read_ahead_is_the_page(store, db_path):
    """`Ahead` reads the first page in a thread; taking it gives what `first_page` gives,
    and asking for another size reads that size instead."""
    with store.write() as s:
        for name in ("Zoë", "ada", "Émile"):
            contacts.add_contact(s, name)
    ahead = firstpage.Ahead(str(db_path), 2)
    assert ahead.take(2) == firstpage.first_page(str(db_path), 2)
    assert len(ahead.take(2)[0]) == 2 and ahead.take(2)[1] == 3
    assert ahead.take(3) == firstpage.first_page(str(db_path), 3)
    assert len(ahead.take(3)[0]) == 3
