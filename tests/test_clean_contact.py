"""`contacts.clean_contact`: the one rule for a contact's own values, shared by `contact add`
and imports, so a file can hold nothing `contact add` would refuse."""

from __future__ import annotations

import json

import pytest

from termcrm.errors import Invalid
from termcrm.services import contacts

HOSTILE_TEXT = [
    ("NUL", "Ada\x00Lovelace", "contains a NUL character"),
    ("surrogate", "Ada\ud800", "is not valid UTF-8 text"),
    ("huge", "x" * 20_001, "is longer than"),
]


@pytest.mark.parametrize("field", ["name", "phone", "company", "title", "source", "owner"])
@pytest.mark.parametrize("what, value, message", HOSTILE_TEXT, ids=[h[0] for h in HOSTILE_TEXT])
def test_hostile_text_is_refused_in_every_field(field, what, value, message):
    with pytest.raises(Invalid, match=message) as refused:
        contacts.clean_contact("Ada" if field != "name" else value, **(
            {} if field == "name" else {field: value}
        ))  # fmt: skip
    assert refused.value.field == field


def test_control_characters_and_non_ascii_are_kept_as_written():
    # neutralised where text reaches a terminal, stored exactly (the CLI contract)
    got = contacts.clean_contact(" Zoë\x1b[31m Ölstad ", phone="\u202e+49 30 1234567")
    assert got["name"] == "Zoë\x1b[31m Ölstad"
    assert got["phone"] == "\u202e+49 30 1234567"


@pytest.mark.parametrize(
    "given, expected",
    [
        ({"email": "Ada@Example.COM"}, "Ada@example.com"),
        ({"company": "Acme"}, "Acme"),
        ({"phone": "+49 30 1234567"}, "+49 30 1234567"),
        ({"email": "a@x.io", "company": "Acme", "phone": "+1 415 555 0100"}, "a@x.io"),
    ],
)
def test_the_name_falls_back_to_email_then_company_then_phone(given, expected):
    got = contacts.clean_contact(" ", **given)
    assert (got["name"], got["named"]) == (expected, False)


def test_nothing_to_name_a_contact_by_is_invalid():
    with pytest.raises(Invalid, match="needs a name, an email, a company or a phone"):
        contacts.clean_contact("", email=" ", company="\t", phone="")


def test_contact_add_and_import_name_a_phone_only_contact_alike(crm, tmp_path):
    added = crm.json("contact", "add", "", "--phone", "+49 30 1234567")
    assert added["name"] == "+49 30 1234567"
    f = tmp_path / "phones.csv"
    f.write_text("Name,Phone\n,+49 30 7654321\n", encoding="utf-8")
    crm.json("import", "contacts", f)
    assert "+49 30 7654321" in {c["name"] for c in crm.json("contact", "list")}


def test_a_json_import_refuses_what_contact_add_refuses(crm, tmp_path):
    f = tmp_path / "people.json"
    f.write_text(
        json.dumps(
            [
                {"name": "Ada\x00Lovelace", "email": "ada@example.com"},
                {"name": "Bob", "phone": "\ud800"},
                {"name": "Cy", "email": "cy@example.com"},
            ]
        ),
        encoding="utf-8",
    )
    result = crm("import", "contacts", f)
    assert result.exit_code == 2
    assert "line 1: Name contains a NUL character" in result.stderr
    assert "line 2: Phone is not valid UTF-8 text" in result.stderr
    assert crm.json("contact", "list") == []
