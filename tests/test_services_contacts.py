"""The contact rules in the domain layer, without the CLI."""

from __future__ import annotations

import pytest

from termcrm.errors import Ambiguous, Conflict, Invalid, NotFound
from termcrm.services import contacts, pager, refs
from termcrm.services.search import ContactQuery


def test_add_and_resolve(store):
    with store.write() as s:
        ada = contacts.add_contact(
            s, "Ada Lovelace", email=" Ada@Example.com ", tags=["vip", "vip"]
        )
    with store.read() as s:
        assert refs.contact(s, "ada@example.COM").id == ada.id
        assert refs.contact(s, f"#{ada.id}").id == ada.id
        assert contacts.view(s, ada).tags == ["vip"]


def test_a_failed_write_changes_nothing(store):
    with pytest.raises(Invalid), store.write() as s:
        contacts.add_contact(s, "Ada", email="ada@example.com")
        contacts.add_contact(s, "Bob", email="not an email")
    with store.read() as s:
        assert pager.count(s) == 0


def test_name_falls_back_to_email(store):
    with store.write() as s:
        c = contacts.add_contact(s, "", email="info@acme.example")
    assert c.name == "info@acme.example"
    with (
        pytest.raises(Invalid, match="needs a name, an email, a company or a phone"),
        store.write() as s,
    ):
        contacts.add_contact(s, " ")


def test_conflict_and_ambiguity_carry_their_exit_codes(store):
    with store.write() as s:
        contacts.add_contact(s, "Ada One", email="a@x.io")
        contacts.add_contact(s, "Ada Two")
    with pytest.raises(Conflict) as conflict, store.write() as s:
        contacts.add_contact(s, "Ada Three", email="A@X.IO")
    assert conflict.value.exit_code == 1
    with pytest.raises(Ambiguous) as ambiguous, store.read() as s:
        refs.contact(s, "ada")
    assert ambiguous.value.candidates == [(1, "Ada One <a@x.io>"), (2, "Ada Two")]
    with pytest.raises(NotFound), store.read() as s:
        refs.contact(s, "zed")


def test_custom_fields_set_and_clear(store):
    with store.write() as s:
        c = contacts.add_contact(s, "Ada", fields={"linkedin": "ada", "shoe": "38"})
        contacts.edit_contact(s, c, fields={"shoe": "", "twitter": "@ada"})
    with store.read() as s:
        assert contacts.view(s, c).fields == {"linkedin": "ada", "twitter": "@ada"}


@pytest.mark.parametrize(
    ("text", "days"), [("30", 30), ("30d", 30), ("6w", 42), ("2mo", 60), ("0", 0), ("", None)]
)
def test_parse_cadence(text, days):
    assert contacts.parse_cadence(text) == days


def test_parse_cadence_rejects_junk():
    with pytest.raises(Invalid):
        contacts.parse_cadence("often")


def test_search_escapes_wildcards(store):
    with store.write() as s:
        contacts.add_contact(s, "100% Mustermann")
        contacts.add_contact(s, "Max Mustermann")
    with store.read() as s:
        assert [v.contact.name for v in contacts.list_contacts(s, ContactQuery(search="100%"))] == [
            "100% Mustermann"
        ]
        assert len(contacts.list_contacts(s, ContactQuery(search="_"))) == 0


def test_set_tags_gives_a_contact_exactly_the_tags_of_a_form(store):
    with store.write() as s:
        zoe = contacts.add_contact(s, "Zoë Ölstad", tags=["VIP", "newsletter", "Ärzte"])
    with store.write() as s:
        contacts.edit_contact(s, zoe, tags=["vip", "ärzte", "partner", "partner"])
    with store.read() as s:
        # "vip" and "ärzte" are the tags already there (same by casefold), kept as written
        assert sorted(contacts.view(s, zoe).tags) == ["VIP", "partner", "Ärzte"]
    with pytest.raises(Invalid) as bad, store.write() as s:
        contacts.set_tags(s, zoe, ["ok", "  "])
    assert bad.value.field == "tags"
    with store.write() as s:
        contacts.set_tags(s, zoe, [])
    with store.read() as s:
        assert contacts.view(s, zoe).tags == []
