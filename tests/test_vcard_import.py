"""vCard as other address books write and expect it: the kinds of card khard's tests hold
(written here as small synthetic files), the dry run per property, bad input, and a round
trip through the vobject library."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import vobject

FIXTURES = Path(__file__).parent / "fixtures" / "vcard"


def _people(crm, *db: str) -> dict[str, dict]:
    return {c["name"]: c for c in crm.json(*db, "contact", "list")}


def _import(crm, name: str, *extra) -> dict:
    return crm.json("import", "contacts", FIXTURES / name, *extra)


def _props(report: dict) -> dict[str, dict]:
    return {p["property"]: p for p in report["properties"]}


# -- the kinds of card --------------------------------------------------------------------------


def test_korean_names(crm):
    assert _import(crm, "korean.vcf")["created"] == 2
    people = _people(crm)
    assert set(people) == {"박지민", "김서연"}
    kim = people["김서연"]
    assert (kim["last_name"], kim["first_name"]) == ("김", "서연")
    assert kim["notes"] == "서울에서 만남"
    assert people["박지민"]["last_name"] is None  # FN only: no parts invented on import
    vcf = crm.ok("export", "contacts", "--format", "vcf")
    cards = {c.fn.value: c for c in vobject.readComponents(vcf)}
    assert (cards["김서연"].n.value.family, cards["김서연"].n.value.given) == ("김", "서연")
    assert cards["박지민"].n.value.given == "박지민"


@pytest.mark.parametrize(
    ("fixture", "name", "dropped"),
    [("photo_v3.vcf", "Pia Photo", {"PHOTO"}), ("photo_v4.vcf", "Paul Picture", {"PHOTO", "LOGO"})],
)
def test_photos_are_dropped_with_a_note(crm, fixture, name, dropped):
    report = _import(crm, fixture)
    assert report["created"] == 1
    props = _props(report)
    for prop in dropped:
        assert props[prop]["dropped"] == "images, sounds and keys are not kept"
        assert props[prop]["goes_to"] == []
    person = _people(crm)[name]
    assert person["fields"] == {}  # no base64 blob in a custom field
    r = crm("import", "contacts", FIXTURES / fixture, "--on-duplicate", "update")
    assert r.exit_code == 0
    assert "Note: PHOTO not imported (1 card): images, sounds and keys are not kept" in r.stderr


def test_categories_become_tags(crm):
    _import(crm, "categories.vcf")
    assert _people(crm)["Cora Category"]["tags"] == ["customers", "trade fair 2026", "Ünicode"]
    vcf = crm.ok("export", "contacts", "--format", "vcf")
    (card,) = vobject.readComponents(vcf)
    assert card.categories.value == ["customers", "trade fair 2026", "Ünicode"]


def test_tel_value_uri(crm):
    _import(crm, "tel_value_uri.vcf")
    people = _people(crm)
    theo = people["Theo Telefon"]
    assert theo["phone"] == "+1-555-555-5555"  # `tel:` is the URI's scheme, not the number
    assert theo["fields"] == {"phone type": "cell", "phone 2 (work)": "+1-555-555-0100;ext=42"}
    assert people["Bare Uri"]["phone"] == "67545678"


def test_altid_pairs_keep_the_first_and_the_alternative(crm):
    report = _import(crm, "altid.vcf")
    yuki = _people(crm)["Yuki Tanaka"]
    assert (yuki["first_name"], yuki["last_name"]) == ("Yuki", "Tanaka")
    assert yuki["fields"] == {"FN 2 (ja)": "田中 由紀", "N 2 (ja)": "田中;由紀;;;"}
    assert "custom field 'FN 2 (ja)'" in _props(report)["FN"]["goes_to"]
    # vCard 3.0 has no ALTID: the export keeps one FN and one N, valid for every reader
    (card,) = vobject.readComponents(crm.ok("export", "contacts", "--format", "vcf"))
    assert len(card.contents["fn"]) == 1 and len(card.contents["n"]) == 1


def test_labels(crm):
    _import(crm, "labels.vcf")
    people = _people(crm)
    lena = people["Lena Label"]
    assert lena["fields"] == {
        "address (work)": ";;Hauptstr. 5;Berlin;;10115;Germany",
        "label (work)": "Hauptstr. 5\n10115 Berlin\nGermany",
    }
    leo = people["Leo Label"]
    assert leo["fields"]["label (home)"] == "Rue de la Paix 1\n75002 Paris"  # ADR's LABEL
    assert leo["company"] == "Test Inc"
    assert leo["phone"] == "+33 6 12 34 56 78"
    assert leo["fields"]["phone type"] == "mobile"  # Apple's item2.X-ABLabel:_$!<Mobile>!$_
    cards = {
        c.fn.value: c
        for c in vobject.readComponents(crm.ok("export", "contacts", "--format", "vcf"))
    }
    adr = cards["Lena Label"].adr
    assert (adr.value.street, adr.value.city, adr.value.code, adr.value.country) == (
        "Hauptstr. 5",
        "Berlin",
        "10115",
        "Germany",
    )
    assert adr.params["TYPE"] == ["WORK"]
    assert cards["Lena Label"].label.value == "Hauptstr. 5\n10115 Berlin\nGermany"
    assert cards["Leo Label"].tel.params["TYPE"] == ["MOBILE"]


def test_text_and_date_birthdays(crm):
    _import(crm, "text_bday.vcf")
    people = _people(crm)
    assert people["Old Timer"]["fields"]["birthday"] == "circa 1800"
    assert people["Grace Hopper"]["fields"]["birthday"] == "1906-12-09"
    cards = {
        c.fn.value: c
        for c in vobject.readComponents(crm.ok("export", "contacts", "--format", "vcf"))
    }
    assert cards["Old Timer"].bday.value == "circa 1800"
    assert cards["Old Timer"].bday.params["VALUE"] == ["text"]
    assert cards["Grace Hopper"].bday.value == "1906-12-09"
    assert "VALUE" not in cards["Grace Hopper"].bday.params


def test_an_unparsable_card_is_one_clear_error_naming_it_and_nothing_is_written(crm, tmp_path):
    r = crm("import", "contacts", FIXTURES / "unparsable.vcf")
    assert r.exit_code == 2
    assert r.stderr == (
        f"Error: {FIXTURES / 'unparsable.vcf'}, line 6: the vCard 'Uli Unparsable' is not "
        "valid: Failed to parse line: THIS LINE HAS NO COLON; nothing was imported\n"
    )
    assert crm.json("contact", "list") == []
    rejects = tmp_path / "bad.csv"
    out = crm.ok(
        "import", "contacts", FIXTURES / "unparsable.vcf", "--skip-bad", "--rejects", rejects
    )
    assert "1 created" in out and "1 bad row" in out
    assert list(_people(crm)) == ["Gina Good"]
    assert "Uli Unparsable" in rejects.read_text(encoding="utf-8")


def test_a_card_without_end_is_named(crm):
    r = crm("import", "contacts", FIXTURES / "unterminated.vcf")
    assert r.exit_code == 2
    assert r.stderr == (
        f"Error: {FIXTURES / 'unterminated.vcf'}, line 1: the vCard 'second contact with a "
        "minimal vCard' has no END:VCARD (the file ends inside it); nothing was imported\n"
    )
    assert crm.json("contact", "list") == []


def test_several_bad_cards_are_listed_each_by_name(crm, tmp_path):
    f = tmp_path / "two.vcf"
    f.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ann Bad\nEMAIL:ann-at-example\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ben Broken\nNO COLON HERE\nEND:VCARD\n",
        encoding="utf-8",
    )
    r = crm("import", "contacts", f)
    assert r.exit_code == 2
    lines = r.stderr.splitlines()
    assert lines[0] == f"Error: 2 bad rows in {f}; nothing was imported"
    assert "  line 6: the vCard 'Ben Broken' is not valid: Failed to parse line: NO COLON HERE" in (
        lines
    )
    assert any(line.startswith("  line 1: Invalid email 'ann-at-example'") for line in lines)
    assert crm.json("contact", "list") == []


# -- what a card holds, both ways ---------------------------------------------------------------

FULL = (
    "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1\r\n"
    "FN:Dr. Mark Schröder II\r\nN:Schröder;Mark;Karl;Dr.;II\r\n"
    "EMAIL;TYPE=work:mark@example.org\r\nEMAIL;TYPE=home:mark@home.example\r\n"
    "EMAIL:third@example.org\r\n"
    "TEL;TYPE=cell:+49 170 1234567\r\nTEL;TYPE=work;PREF=1:+49 30 1234\r\n"
    "ADR;TYPE=work:;;Unter den Linden 1;Berlin;;10117;Germany\r\n"
    "URL:https://example.org/mark\r\nNICKNAME:Marky\r\nROLE:Chief Engineer\r\n"
    "TITLE:CTO\r\nORG:ACME GmbH;Research\r\nBDAY:19800314\r\nNOTE:Met at FOSDEM\r\n"
    "CATEGORIES:vip\r\nX-SKYPE;TYPE=work:mark.schroeder\r\nIMPP;TYPE=home:xmpp:mark@jabber.example\r\n"
    "GENDER:M\r\nPHOTO:https://example.org/mark.png\r\nREV:20260101T000000Z\r\nEND:VCARD\r\n"
)


@pytest.fixture
def full(tmp_path) -> Path:
    f = tmp_path / "full.vcf"
    f.write_text(FULL, encoding="utf-8")
    return f


def test_every_property_lands_in_a_field_or_a_custom_field(crm, full):
    report = crm.json("import", "contacts", full)
    mark = _people(crm)["Dr. Mark Schröder II"]
    assert mark["uid"] == "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"
    assert (
        mark["name_prefix"],
        mark["first_name"],
        mark["middle_name"],
        mark["last_name"],
        mark["name_suffix"],
    ) == ("Dr.", "Mark", "Karl", "Schröder", "II")
    assert mark["email"] == "mark@example.org"
    assert mark["phone"] == "+49 30 1234"  # PREF=1 makes it the phone
    assert (mark["title"], mark["company"], mark["notes"]) == ("CTO", "ACME GmbH", "Met at FOSDEM")
    assert mark["tags"] == ["vip"]
    assert mark["fields"] == {
        "email type": "work",
        "email 2 (home)": "mark@home.example",
        "email 3": "third@example.org",
        "phone type": "work",
        "phone 2 (cell)": "+49 170 1234567",
        "address (work)": ";;Unter den Linden 1;Berlin;;10117;Germany",
        "url": "https://example.org/mark",
        "nickname": "Marky",
        "role": "Chief Engineer",
        "department": "Research",
        "birthday": "1980-03-14",
        "X-SKYPE (work)": "mark.schroeder",
        "IMPP (home)": "xmpp:mark@jabber.example",
        "GENDER": "M",
    }
    props = _props(report)
    assert props["PHOTO"]["dropped"]
    assert "REV" not in props and "VERSION" not in props  # the card's bookkeeping
    assert props["EMAIL"]["goes_to"][0] == "email"
    assert props["EMAIL"]["cards"] == 1


def test_export_writes_real_properties_and_reimports_the_same(crm, full, tmp_path):
    crm.ok("import", "contacts", full)
    vcf = crm.ok("export", "contacts", "--format", "vcf")
    (card,) = vobject.readComponents(vcf)
    c = card.contents
    assert card.uid.value == "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"
    assert card.n.serialize().strip() == "N:Schröder;Mark;Karl;Dr.;II"
    assert [(e.value, e.params["TYPE"]) for e in c["email"]] == [
        ("mark@example.org", ["INTERNET", "WORK"]),
        ("mark@home.example", ["INTERNET", "HOME"]),
        ("third@example.org", ["INTERNET"]),
    ]
    assert [(t.value, t.params.get("TYPE")) for t in c["tel"]] == [
        ("+49 30 1234", ["WORK"]),
        ("+49 170 1234567", ["CELL"]),
    ]
    assert (card.url.value, card.nickname.value, card.role.value) == (
        "https://example.org/mark",
        "Marky",
        "Chief Engineer",
    )
    assert card.bday.value == "1980-03-14"
    assert card.org.value == ["ACME GmbH", "Research"]
    assert card.adr.value.street == "Unter den Linden 1"
    assert card.contents["x-skype"][0].value == "mark.schroeder"
    assert card.impp.value == "xmpp:mark@jabber.example"
    # what became a property is not also hidden in termcrm's JSON blob
    blob = json.loads(card.contents["x-termcrm-fields"][0].value) if "x-termcrm-fields" in c else {}
    assert not {"url", "birthday", "email 2 (home)"} & set(blob)
    # and a termcrm import of the export gives the same contact back
    f = tmp_path / "again.vcf"
    f.write_text(vcf, encoding="utf-8")
    other = tmp_path / "other.db"
    crm.ok("--db", other, "import", "contacts", f)
    strip = lambda c: {k: v for k, v in c.items() if k != "id"}  # noqa: E731
    assert [strip(x) for x in crm.json("--db", other, "contact", "list")] == [
        strip(x) for x in crm.json("contact", "list")
    ]


def test_a_contact_without_a_uid_gets_a_stable_one(crm, tmp_path):
    crm.ok("contact", "add", "Ada Lovelace")
    first = crm.ok("export", "contacts", "--format", "vcf")
    assert "UID:contact-1@termcrm" in first.splitlines()
    assert crm.ok("export", "contacts", "--format", "vcf") == first
    # another database that imports the card keeps that UID
    f = tmp_path / "a.vcf"
    f.write_text(first, encoding="utf-8")
    other = tmp_path / "o.db"
    crm.ok("--db", other, "contact", "add", "Someone Else")
    crm.ok("--db", other, "import", "contacts", f)
    assert crm.json("--db", other, "contact", "show", "ada")["uid"] == "contact-1@termcrm"
    assert "UID:contact-1@termcrm" in crm.ok("--db", other, "export", "contacts", "-F", "vcf")


def test_a_second_email_is_set_with_a_typed_field_and_exported(crm):
    crm.ok("contact", "add", "Ada Lovelace", "--email", "ada@example.org")
    crm.ok("contact", "edit", "ada", "--field", "email 2 (home)=ada@home.example")
    crm.ok("contact", "edit", "ada", "--field", "phone 2 (cell, pref)=+44 7700 900123")
    (card,) = vobject.readComponents(crm.ok("export", "contacts", "--format", "vcf"))
    assert [(e.value, e.params["TYPE"]) for e in card.contents["email"]] == [
        ("ada@example.org", ["INTERNET"]),
        ("ada@home.example", ["INTERNET", "HOME"]),
    ]
    assert card.tel.value == "+44 7700 900123"
    assert card.tel.params["TYPE"] == ["CELL", "PREF"]


def test_custom_fields_from_other_imports_go_out_as_properties(crm):
    crm.ok(
        "contact", "add", "Lin Kedin", "--field", "URL=https://www.linkedin.com/in/lin",
        "--field", "Birthday=1990-05-01", "--field", "Favourite colour=teal",
    )  # fmt: skip
    (card,) = vobject.readComponents(crm.ok("export", "contacts", "--format", "vcf"))
    assert card.url.value == "https://www.linkedin.com/in/lin"
    assert card.bday.value == "1990-05-01"
    assert json.loads(card.contents["x-termcrm-fields"][0].value) == {"Favourite colour": "teal"}


# -- the dry run --------------------------------------------------------------------------------


def test_dry_run_lists_every_property_and_what_is_dropped(crm, full):
    r = crm("import", "contacts", full, "--dry-run")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[0] == f"File: {full} (vCard 4.0, utf-8-sig, 1 card)"
    assert "delimiter" not in r.stdout and "Columns:" not in r.stdout
    assert lines[1] == "Properties (cards that have them):"
    table = {line.split("->")[0].strip(): line.split("->")[1].strip() for line in lines[2:-1]}
    assert table["N (1)"] == "first_name, middle_name, last_name, name_prefix, name_suffix"
    assert table["EMAIL (1)"].startswith("email; custom field 'email type'")
    assert table["BDAY (1)"] == "custom field 'birthday'"
    assert table["X-SKYPE (1)"] == "custom field 'X-SKYPE (work)'"
    assert table["PHOTO (1)"] == "dropped: images, sounds and keys are not kept"
    assert lines[-1].startswith("Dry run, nothing was written: would be 1 created")
    assert crm.json("contact", "list") == []


def test_dry_run_json_lists_properties(crm):
    report = crm.json("import", "contacts", FIXTURES / "photo_v3.vcf", "--dry-run")
    assert report["dry_run"] is True and report["format"] == "vCard 3.0"
    assert report["properties"] == [
        {"property": "UID", "cards": 1, "goes_to": ["uid"], "dropped": None},
        {"property": "FN", "cards": 1, "goes_to": ["name"], "dropped": None},
        {"property": "EMAIL", "cards": 1, "goes_to": ["email"], "dropped": None},
        {
            "property": "PHOTO",
            "cards": 1,
            "goes_to": [],
            "dropped": "images, sounds and keys are not kept",
        },
    ]
    assert crm.json("contact", "list") == []


# -- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"", "holds no vCard (BEGIN:VCARD ... END:VCARD)"),
        (b"hello\nworld\n", "holds no vCard (BEGIN:VCARD ... END:VCARD)"),
        (b"\x00\x01\x02BEGIN", "holds no vCard (BEGIN:VCARD ... END:VCARD)"),
    ],
)
def test_files_that_hold_no_card_are_one_line_errors(crm, tmp_path, content, error):
    f = tmp_path / "x.vcf"
    f.write_bytes(content)
    r = crm("import", "contacts", f)
    assert r.exit_code == 2
    assert r.stderr == f"Error: {f} {error}\n"
    assert crm.json("contact", "list") == []


def test_hostile_values_in_a_card(crm, tmp_path):
    f = tmp_path / "h.vcf"
    f.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Eve \x1b[31mRed\r\n"
        "N:Red;Eve;;;\r\nX-HUGE:" + "x" * 30000 + "\r\nNOTE:" + "n" * 100 + "\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Long Name\r\nN:"
        + "L" * 150
        + ";Long;;;\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    r = crm("import", "contacts", f)
    assert r.exit_code == 2
    assert r.stderr == (
        f"Error: {f}, line 8: Last name is longer than 100 characters; nothing was imported\n"
    )
    assert crm.json("contact", "list") == []
    crm.ok("import", "contacts", f, "--skip-bad", "--rejects", tmp_path / "r.csv")
    (eve,) = crm.json("contact", "list")
    assert eve["name"] == "Eve \x1b[31mRed"
    assert "X-HUGE" not in eve["fields"]  # longer than 20,000 characters: dropped, with a note
    r = crm("import", "contacts", f, "--dry-run", "--skip-bad", "--json")
    props = _props(json.loads(r.stdout))
    assert props["X-HUGE"]["dropped"] == "values longer than 20,000 characters are not kept"


# -- vobject --------------------------------------------------------------------------------------


def test_vobject_parses_every_exported_card_and_the_fields_match(crm, full):
    crm.ok("import", "contacts", full)
    for fixture in ("korean.vcf", "labels.vcf", "text_bday.vcf", "tel_value_uri.vcf"):
        crm.ok("import", "contacts", FIXTURES / fixture)
    crm.ok(
        "contact", "add", "Zoë; Ångström, \"Q\"", "--email", "zoe@example.org", "--phone",
        "+49 30 1", "--company", "Ünicode; Ltd.", "--tag", "a,b", "--notes", "line1\nline2",
    )  # fmt: skip
    people = _people(crm)
    vcf = crm.ok("export", "contacts", "--format", "vcf")
    cards = list(vobject.readComponents(vcf, validate=True))
    assert len(cards) == len(people)
    for card in cards:
        person = people[card.fn.value]
        assert card.version.value == "3.0"
        assert card.uid.value == person["uid"]
        emails = [e.value for e in card.contents.get("email", [])]
        phones = [t.value for t in card.contents.get("tel", [])]
        assert emails[:1] == ([person["email"]] if person["email"] else [])
        assert phones[:1] == ([person["phone"]] if person["phone"] else [])
        if person["company"]:
            assert card.org.value[0] == person["company"]
        if person["notes"]:
            assert card.note.value == person["notes"]
        if person["tags"]:
            assert card.categories.value == person["tags"]
        if person["last_name"]:
            assert card.n.value.family == person["last_name"]
    zoe = next(c for c in cards if c.fn.value.startswith("Zoë"))
    assert zoe.org.value == ["Ünicode; Ltd."]
    assert zoe.categories.value == ["a,b"]


def test_cards_written_by_vobject_import(crm, tmp_path):
    card = vobject.vCard()
    card.add("fn").value = "Ångström Vobject"
    card.add("n").value = vobject.vcard.Name(family="Vobject", given="Ångström", prefix="Prof.")
    card.add("uid").value = "vobject-1"
    email = card.add("email")
    email.value = "angstrom@example.org"
    email.params["TYPE"] = ["INTERNET", "WORK"]
    tel = card.add("tel")
    tel.value = "+46 8 123"
    tel.params["TYPE"] = ["CELL"]
    card.add("org").value = ["Uppsala; Universitet", "Fysik"]
    card.add("adr").value = vobject.vcard.Address(street="Gatan 1", city="Uppsala", country="SE")
    card.add("bday").value = "1814-08-13"
    card.add("note").value = "Spektra\nund Linien"
    card.add("categories").value = ["physics", "history"]
    f = tmp_path / "v.vcf"
    f.write_text(card.serialize(), encoding="utf-8")
    crm.ok("import", "contacts", f)
    a = _people(crm)["Ångström Vobject"]
    assert (a["uid"], a["email"], a["phone"], a["company"]) == (
        "vobject-1",
        "angstrom@example.org",
        "+46 8 123",
        "Uppsala; Universitet",
    )
    assert (a["name_prefix"], a["first_name"], a["last_name"]) == ("Prof.", "Ångström", "Vobject")
    assert a["notes"] == "Spektra\nund Linien"
    assert a["tags"] == ["history", "physics"]
    assert a["fields"] == {
        "email type": "work",
        "phone type": "cell",
        "department": "Fysik",
        "address": ";;Gatan 1;Uppsala;;;SE",
        "birthday": "1814-08-13",
    }


def test_the_real_program_imports_and_exports_a_vcard(run_termcrm, tmp_path):
    r = run_termcrm("import", "contacts", FIXTURES / "labels.vcf", "--dry-run")
    assert r.returncode == 0, r.stderr
    assert "Properties (cards that have them):" in r.stdout
    assert run_termcrm("import", "contacts", FIXTURES / "labels.vcf").returncode == 0
    r = run_termcrm("export", "contacts", "--format", "vcf")
    assert r.returncode == 0, r.stderr
    assert "LABEL;TYPE=WORK:Hauptstr. 5\\n10115 Berlin\\nGermany" in r.stdout.splitlines()


@pytest.mark.postgres
def test_vcard_names_and_uid_on_postgresql(pg_url, crm, tmp_path):
    """Migration 0011 on PostgreSQL: the parts and the UID are stored and exported back."""
    f = tmp_path / "full.vcf"
    f.write_text(FULL, encoding="utf-8")
    crm.ok("--db", pg_url, "import", "contacts", f)
    crm.ok("--db", pg_url, "contact", "add", "--first", "Ada", "--last", "Lovelace")
    crm.ok("--db", pg_url, "contact", "edit", "ada", "--last", "King")
    people = _people(crm, "--db", pg_url)
    assert people["Ada King"]["last_name"] == "King"
    mark = people["Dr. Mark Schröder II"]
    assert (mark["uid"], mark["middle_name"]) == (
        "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1",
        "Karl",
    )
    vcf = crm.ok("--db", pg_url, "export", "contacts", "--format", "vcf")
    assert "N:Schröder;Mark;Karl;Dr.;II" in vcf.splitlines()
    assert "UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1" in vcf.splitlines()


def test_the_type_of_a_missing_first_email_is_kept(crm, tmp_path):
    crm.ok("contact", "add", "Ann", "--field", "email type=work", "--field", "phone type=cell")
    (card,) = vobject.readComponents(crm.ok("export", "contacts", "--format", "vcf"))
    assert "email" not in card.contents and "tel" not in card.contents
    kept = json.loads(card.contents["x-termcrm-fields"][0].value)
    assert kept == {"email type": "work", "phone type": "cell"}
