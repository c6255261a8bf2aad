"""One resolver (services.refs) for CONTACT and record ids, in every shell and the importer.

The importer had its own contact reference rule: `crm log call zoe` worked where an import
row with `contact=zoe` failed, and "zoe" found "Zoë" nowhere.
"""

from __future__ import annotations

import pytest

from termcrm.errors import Ambiguous, Invalid, NotFound
from termcrm.services import contacts, refs


@pytest.fixture
def people(store):
    with store.write() as s:
        ids = {
            key: contacts.add_contact(s, name, email=email).id
            for key, name, email in (
                ("zoe", "Zoë Ölstad", "ZOË@example.com"),
                ("ada", "Ada Lovelace", "ada@example.com"),
                ("ada2", "Ada Byron", None),
                ("jurgen", "Jürgen Weiß", "JÜRGEN@example.com"),
            )
        }
    return ids


@pytest.mark.parametrize(
    ("ref", "key"),
    [
        ("zoe", "zoe"),  # accents and case ignored
        ("ZOE ÖLSTAD", "zoe"),
        ("olstad", "zoe"),
        ("zoë@EXAMPLE.com", "zoe"),  # the same address by casefold, on SQLite too
        ("jürgen@example.com", "jurgen"),
        ("weiss", "jurgen"),  # ß folds to ss
        ("lovelace", "ada"),
        ("Ada Byron", "ada2"),  # a whole name beats the parts of other names
    ],
)
def test_a_contact_reference_finds_the_one_contact_meant(store, people, ref, key):
    with store.read() as s:
        assert refs.contact(s, ref).id == people[key]
        assert refs.contact_ids(s, [ref]) == {ref: people[key]}


def test_references_that_do_not_name_one_contact(store, people):
    with store.read() as s:
        with pytest.raises(Ambiguous, match="'ada' matches several contacts") as many:
            refs.contact(s, "ada")
        assert [cid for cid, _ in many.value.candidates] == [people["ada"], people["ada2"]]
        with pytest.raises(NotFound, match="No contact matches 'zed'"):
            refs.contact(s, "zed")
        with pytest.raises(NotFound, match="No contact with email"):
            refs.contact(s, "zoe@example.com")  # an accent is part of an address
        with pytest.raises(NotFound, match="No contact with id 99"):
            refs.contact(s, "#99")
        with pytest.raises(Invalid) as empty:
            refs.contact(s, "  ")
        assert empty.value.field == "contact"
        found = refs.contact_ids(s, ["zoe", "ada", "zed", "zoe"])
        assert found["zoe"] == people["zoe"]
        assert isinstance(found["ada"], Ambiguous) and isinstance(found["zed"], NotFound)


@pytest.mark.parametrize("what", ["deal", "task", "case"])
def test_record_ids(store, what):
    resolve = getattr(refs, what)
    with store.read() as s:
        with pytest.raises(Invalid) as bad:
            resolve(s, "twelve")
        assert bad.value.field == what
        with pytest.raises(NotFound, match=f"No {what} with id 12"):
            resolve(s, "#12")


def test_an_import_row_names_a_contact_as_the_command_line_does(crm, tmp_path):
    crm.ok("contact", "add", "Zoë Ölstad")
    crm.ok("contact", "add", "Ada Lovelace")
    crm.ok("contact", "add", "Ada Byron")
    logged = crm.json("log", "call", "zoe", "From the command line")
    rows = tmp_path / "calls.csv"
    rows.write_text(
        "contact,kind,when,summary\n"
        "zoe,call,2026-11-10 14:00,From a file\n"
        "ada,call,2026-11-10 15:00,Which Ada?\n",
        encoding="utf-8",
    )
    r = crm("import", "interactions", rows)
    assert r.exit_code == 2
    assert "line 3: 'ada' matches several contacts: #2 Ada Lovelace, #3 Ada Byron" in r.stderr
    assert crm("log", "call", "ada", "x").stderr.startswith(
        "Error: 'ada' matches several contacts: #2 Ada Lovelace, #3 Ada Byron"
    )
    rows.write_text(
        "contact,kind,when,summary\nzoe,call,2026-11-10 14:00,From a file\n", encoding="utf-8"
    )
    crm.ok("import", "interactions", rows)
    timeline = crm.json("interactions", "--contact", "zoe")
    assert {i["contact_id"] for i in timeline} == {logged["contact_id"]}
    assert sorted(i["summary"] for i in timeline) == ["From a file", "From the command line"]


@pytest.mark.postgres
def test_the_same_references_on_postgresql(crm, pg_url, monkeypatch):
    monkeypatch.setenv("TERMCRM_DB", pg_url)
    crm.ok("contact", "add", "Zoë Ölstad", "--email", "ZOË@example.com")
    crm.ok("contact", "add", "Ada Lovelace")
    for ref in ("zoe", "olstad", "zoë@example.com", "ZOE ÖLSTAD"):
        assert crm.json("contact", "show", ref)["name"] == "Zoë Ölstad", ref
    assert crm("contact", "show", "zed").exit_code == 1
