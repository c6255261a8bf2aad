"""services/search.py and services/pager.py: what a contact query finds, pages of the
contact list, and the search index kept in step."""

from __future__ import annotations

import sqlite3

import pytest
from store_helpers import database_at

from termcrm import dates
from termcrm.services import companies, contacts, interactions, pager, refs, search, tasks
from termcrm.services.search import ContactQuery
from termcrm.store.engine import open_store


def names(store, text=None, **kw) -> list[str]:
    with store.read() as s:
        return [r.name for r in pager.contact_page(s, ContactQuery(search=text), **kw)]


def total(store, text=None) -> int:
    with store.read() as s:
        return pager.count(s, ContactQuery(search=text))


@pytest.fixture
def people(store):
    with store.write() as s:
        ada = contacts.add_contact(s, "Ada Lovelace", email="ada@engines.example",
                                   company="Analytical Engines", tags=["vip"])  # fmt: skip
        grace = contacts.add_contact(s, "Grace Hopper", email="grace@navy.example")
        contacts.add_contact(s, "Alan Turing", company="Bletchley Park", tags=["codebreaker"])
        interactions.log_interaction(s, ada, "call", "old", when="2026-10-01 10:00")
        interactions.log_interaction(s, ada, "call", "new", when="2026-11-10 10:00")
        interactions.log_interaction(s, grace, "email", "hi", when="2026-11-15 10:00")
        tasks.add_task(s, "Later", due="2026-12-01", contact=ada)
        tasks.add_task(s, "Undated", contact=ada)
        tasks.add_task(s, "Sooner", due="2026-11-25", contact=ada)
    return {"ada": ada.id, "grace": grace.id}


def test_page_has_last_interaction_and_next_task(store, people):
    with store.read() as s:
        rows = {r.name: r for r in pager.contact_page(s)}
    ada = rows["Ada Lovelace"]
    assert dates.show(ada.last_interaction) == "2026-11-10 10:00"
    assert ada.next_task == "Sooner" and dates.show(ada.next_due, with_time=False) == "2026-11-25"
    assert rows["Alan Turing"].last_interaction is None and rows["Alan Turing"].next_task is None
    assert ada.company == "Analytical Engines"


def test_sort_and_paging(store, people):
    assert names(store, sort="last", descending=True) == [
        "Grace Hopper", "Ada Lovelace", "Alan Turing",
    ]  # fmt: skip
    assert names(store, limit=2) == ["Ada Lovelace", "Alan Turing"]
    assert names(store, limit=2, offset=2) == ["Grace Hopper"]
    assert names(store, sort="name", descending=True) == [
        "Grace Hopper", "Alan Turing", "Ada Lovelace",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("love", ["Ada Lovelace"]),  # name
        ("NAVY.ex", ["Grace Hopper"]),  # email, any case
        ("bletchley", ["Alan Turing"]),  # company
        ("codebreak", ["Alan Turing"]),  # tag
        ("a", ["Ada Lovelace", "Alan Turing", "Grace Hopper"]),  # too short for trigrams
        ("zzz", []),
        ('"quoted"', []),
        ("100%", []),
    ],
)
def test_search_matches_the_cli_search(store, people, text, expected):
    assert names(store, text) == expected
    assert total(store, text) == len(expected)
    with store.read() as s:  # the same contacts as `contact list --search`
        assert [
            v.contact.name for v in contacts.list_contacts(s, ContactQuery(search=text))
        ] == expected


def test_index_follows_every_change(store, people):
    with store.write() as s:
        ada = refs.contact(s, people["ada"])
        contacts.edit_contact(s, ada, name="Augusta King", remove_tags=["vip"],
                              add_tags=["countess"])  # fmt: skip
        company = companies.resolve_company(s, "Bletchley Park")
        companies.edit_company(s, company, name="GCHQ Cheltenham")
        contacts.delete_contact(s, refs.contact(s, people["grace"]))
    assert names(store, "lovelace") == []
    assert names(store, "augusta") == ["Augusta King"]
    assert names(store, "countess") == ["Augusta King"]
    assert names(store, "vip") == []
    assert names(store, "cheltenham") == ["Alan Turing"]
    assert names(store, "bletchley") == []
    assert names(store, "hopper") == []


def test_index_sees_rows_written_by_another_program(store, db_path, people):
    con = sqlite3.connect(db_path)
    with con:
        con.execute(
            "INSERT INTO contacts (name, email, stage, created_at, updated_at)"
            " VALUES ('Radia Perlman', 'radia@stp.example', 'lead', '2026-11-18 09:00:00',"
            " '2026-11-18 09:00:00')"
        )
    con.close()
    assert names(store, "perlman") == ["Radia Perlman"]
    assert total(store, "stp.ex") == 1


@pytest.mark.postgres
def test_search_on_postgresql_without_the_index(pg_url):
    store = open_store(pg_url)
    try:
        with store.write() as s:
            contacts.add_contact(s, "Ada Lovelace", company="Analytical Engines", tags=["vip"])
            contacts.add_contact(s, "Grace Hopper")
        assert names(store, "analytical") == ["Ada Lovelace"]
        assert total(store, "hop") == 1
    finally:
        store.close()


def refresh(store) -> int:
    total = 0
    while True:
        with store.write() as s:
            n = search.refresh_index(s, batch=2)
        if not n:
            return total
        total += n


def dirty(store) -> list[int]:
    from sqlalchemy import text

    with store.read() as s:
        return [r[0] for r in s.execute(text("SELECT contact_id FROM contact_search_dirty"))]


def test_sqlite_searches_use_the_trigram_index(store, people):
    from termcrm.store import search_index

    assert sorted(dirty(store)) == [1, 2, 3]  # noted by the triggers
    assert refresh(store) == 3 and dirty(store) == []
    with store.read() as s:
        assert search_index.contact_search_candidates(s, "lo") is None  # too short
        candidates = search_index.contact_search_candidates(s, "LOVE")
        assert candidates is not None
        assert [r[0] for r in s.execute(candidates)] == [people["ada"]]


def test_refreshed_index_follows_changes(store, people):
    refresh(store)
    with store.write() as s:
        ada = refs.contact(s, people["ada"])
        contacts.edit_contact(s, ada, name="Augusta King", add_tags=["countess"])
    assert dirty(store) == [people["ada"]]
    assert names(store, "augusta") == ["Augusta King"]  # right before the refresh
    assert refresh(store) == 1
    assert names(store, "augusta") == ["Augusta King"]  # and after
    assert names(store, "lovelace") == []
    assert names(store, "countess") == ["Augusta King"]


def test_a_large_backlog_searches_without_the_index(store, people, monkeypatch):
    from termcrm.store import search_index

    monkeypatch.setattr(search_index, "STALE_MAX", 2)  # three contacts wait to be indexed
    with store.read() as s:
        assert search_index.contact_search_candidates(s, "love") is None
    assert names(store, "love") == ["Ada Lovelace"]
    refresh(store)
    with store.read() as s:
        assert search_index.contact_search_candidates(s, "love") is not None


def test_done_tasks_are_not_next_and_sort_by_next_task(store, people):
    with store.write() as s:
        grace = refs.contact(s, people["grace"])
        done = tasks.add_task(s, "Already done", due="2026-11-19", contact=grace)
        tasks.complete_task(s, done)
        tasks.add_task(s, "Grace's", due="2026-11-30", contact=grace)
    with store.read() as s:
        rows = {r.name: r for r in pager.contact_page(s)}
    assert rows["Grace Hopper"].next_task == "Grace's"
    # Ada's next is due 2026-11-25, Grace's 2026-11-30 (her done one does not count)
    order = names(store, sort="next")
    assert order.index("Ada Lovelace") < order.index("Grace Hopper")


@pytest.mark.parametrize("few", [0, 1, 4000])
def test_name_order_pages_are_the_same_with_or_without_the_index(store, monkeypatch, few):
    """However many candidates the index gives, a page in name order is the walk's page."""
    with store.write() as s:
        for n in range(12):
            contacts.add_contact(s, f"Person {n:02d} Okafor" if n % 3 else f"Okafor {n:02d}")
        contacts.add_contact(s, "Someone Else", email="okafor@example.com")
    refresh(store)
    monkeypatch.setattr(search, "FEW", few)
    expected = sorted(
        [f"Person {n:02d} Okafor" for n in range(12) if n % 3]
        + [f"Okafor {n:02d}" for n in range(12) if not n % 3]
        + ["Someone Else"],
        key=str.lower,
    )
    assert names(store, "okafor", limit=5) == expected[:5]
    assert names(store, "okafor", limit=5, offset=5) == expected[5:10]
    assert names(store, "okafor", limit=50, offset=10) == expected[10:]
    assert total(store, "okafor") == 13


@pytest.mark.parametrize("indexed", [True, False])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a", ["Ada Lovelace", "Alan Turing", "Grace Hopper"]),
        ("LO", ["Ada Lovelace"]),  # name, any case
        ("vy", ["Grace Hopper"]),  # email
        ("hl", ["Alan Turing"]),  # company
        ("ip", ["Ada Lovelace"]),  # tag
        ("%", []),  # a wildcard, searched for as typed
        ("_", []),
        ("zq", []),
    ],
)
def test_short_searches_find_the_same_through_the_index_copy(
    store, people, monkeypatch, text, expected, indexed
):
    """One or two characters: rare ones are looked up in the index's copy of the fields
    (and the contacts not yet folded into it), common ones walk the name index."""
    if indexed:
        refresh(store)
    for sample in (0, 4000):  # 0: every search counts as common; 4000: as rare
        for share in (0, 1):  # 0: never rare enough to look up; 1: always looked up
            monkeypatch.setattr(search, "SAMPLE", sample)
            monkeypatch.setattr(search, "RARE_SHARE", share)
            assert names(store, text) == expected
            assert names(store, text, limit=1, offset=1) == expected[1:2]
            assert total(store, text) == len(expected)


def test_one_contact_query_filters_both_shells_by_company(store, crm):
    """The TUI's list could not filter by company: its filters dropped the company."""
    with store.write() as s:
        contacts.add_contact(s, "Zoë Ölstad", company="Ölstad AB", tags=["vip"])
        contacts.add_contact(s, "Ada Lovelace", company="Analytical Engines", tags=["vip"])
        contacts.add_contact(s, "Ünal Kaya", company="ölstad ab", owner="Ünal")
    query = ContactQuery(company=" Ölstad AB ", tag="vip")
    with store.read() as s:
        page = [r.name for r in pager.contact_page(s, query)]
        listed = [v.contact.name for v in contacts.list_contacts(s, query)]
        assert pager.count(s, query) == 1
    cli = [c["name"] for c in crm.json("contact", "list", "--company", "Ölstad AB", "--tag", "vip")]
    assert page == listed == cli == ["Zoë Ölstad"]


AWKWARD = (
    ("Zoë Ölstad", "Zoe.Olstad@Example.COM", "Ölstad AB", ["Grüne Liste", "vip"]),
    ("ℌilbert Straße", None, None, []),  # compatibility letters: ℌ folds to an "H"
    ("O'Brien 100% _x_ back\\slash", "ob@corp.local", None, ["a b", "c"]),
    ("İpek Yılmaz", None, "ﬁne Arts", ["ğ"]),  # a dotted capital, a ligature
    ("Ab", None, None, []),
)


def test_short_searches_through_the_index_text_find_exactly_what_the_rule_finds(store, monkeypatch):
    """The index's folded text answers a short search without the rule: for every one-
    and two-letter piece of awkward names, emails, companies and tags (and wildcards), it
    must find exactly the contacts the rule finds, in the same order."""
    from termcrm.store import search_index

    with store.write() as s:
        for name, email, company, tags in AWKWARD:
            contacts.add_contact(s, name, email=email, company=company, tags=tags)
    refresh(store)
    assert dirty(store) == []
    fields = [v for row in AWKWARD for v in (*row[:3], *row[3]) if v]
    pieces = {f[i : i + n] for f in fields for n in (1, 2) for i in range(len(f))}
    pieces |= {"%", "_", "\\", "ss", "ß", "Ö", "HI", "fi", "un", "ün", "bc", "@c", "zq"}
    exact = search_index.contact_search_exact
    monkeypatch.setattr(search, "RARE_SHARE", 1)  # every short search is looked up
    for text in sorted(pieces):
        monkeypatch.setattr(search_index, "contact_search_exact", exact)
        through_index = (names(store, text), total(store, text))
        monkeypatch.setattr(search_index, "contact_search_exact", lambda *a: None)
        assert through_index == (names(store, text), total(store, text)), repr(text)


def test_the_index_text_of_a_changed_contact_is_not_trusted(store, people, monkeypatch):
    """After a rename the index still holds the old name until the next refresh: the rule
    decides the changed contact, so the old name finds nobody and the new one finds her."""
    monkeypatch.setattr(search, "RARE_SHARE", 1)
    refresh(store)
    assert names(store, "lo") == ["Ada Lovelace"]
    with store.write() as s:
        contacts.edit_contact(s, refs.contact(s, people["ada"]), name="Augusta King")
    assert names(store, "lo") == [] and total(store, "lo") == 0
    assert names(store, "gu") == ["Augusta King"] and total(store, "gu") == 1
    refresh(store)
    assert names(store, "lo") == [] and names(store, "gu") == ["Augusta King"]


def test_migration_0013_fills_the_search_text_from_the_index(db_path):
    """A 0012 database whose index is up to date gets each contact's search text at once:
    its short searches need no refresh first."""
    from termcrm.store.search_index import SEARCH_ROW, SEARCH_TEXT

    database_at(
        db_path,
        "0012",
        "insert into companies (id, name, created_at, updated_at) "
        "values (1, 'Ölstad AB', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
        "insert into contacts (id, name, email, company_id, stage, created_at, updated_at) "
        "values (1, 'Zoë Ölstad', 'zoe@example.org', 1, 'lead', "
        "'2026-01-01 00:00:00', '2026-01-01 00:00:00')",
        "insert into contact_tags (contact_id, tag) values (1, 'Grüne'), (1, 'vip')",
        f"insert into contact_search(rowid, name, email, company, tags) {SEARCH_ROW}",
        "delete from contact_search_dirty",
    )
    store = open_store(str(db_path))  # migrates to the head on open
    try:
        assert dirty(store) == []
        with store.read() as s:
            from sqlalchemy import text

            body = s.execute(text(f"SELECT body FROM {SEARCH_TEXT}")).scalar_one()
        assert body.split("\x1f") == ["zoe olstad", "zoe@example.org", "olstad ab", "grune", "vip"]
        assert names(store, "ün") == ["Zoë Ölstad"] and names(store, "pv") == []
    finally:
        store.close()
