"""Contact exports from real tools, imported unedited, field by field."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def _import(crm, name: str, *extra: str) -> str:
    return crm.ok("import", "contacts", FIXTURES / name, *extra)


def _contacts(crm) -> dict[str, dict]:
    return {c["name"]: c for c in crm.json("contact", "list")}


def test_google_labels_with_bom_labels_and_multi_values(crm):
    out = _import(crm, "google_labels.csv")
    assert "3 created, 0 updated, 0 skipped" in out
    people = _contacts(crm)
    zoe = people["Zoë Ångström-Müller"]
    assert zoe["email"] == "Zoe@example.org"  # domain normalised, first of ` ::: ` values
    assert zoe["phone"] == "+49 30 1234567"
    assert zoe["title"] == 'Head of "Research"'
    assert zoe["company"] == "Ünicode, Ltd."
    assert zoe["tags"] == ["Trade Fair 2026", "VIP"]  # `* myContacts` is Google's, not a tag
    assert zoe["notes"] == "Met at FOSDEM;\nprefers email"
    assert zoe["fields"]["other emails"] == "zoe.private@example.net"
    assert zoe["fields"]["E-mail 2 - Value"] == "zoe@home.example"
    assert zoe["fields"]["Phone 2 - Value"] == "=1+2"
    assert zoe["fields"]["Name Prefix"] == "Dr."
    assert zoe["fields"]["Address 1 - City"] == "Berlin"
    assert zoe["owner"] == "tester"
    assert zoe["stage"] == "lead"
    # no name: named from the company, or from the email
    assert people["Nameless GmbH"]["company"] == "Nameless GmbH"
    assert people["Nameless GmbH"]["tags"] == []
    assert people["just.email@example.com"]["tags"] == ["starred"]


def test_google_csv_older_format(crm):
    _import(crm, "google_csv.csv")
    people = _contacts(crm)
    grace = people["Grace Hopper"]
    assert grace["email"] == "grace@navy.example"
    assert grace["phone"] == "(555) 010-0199"
    assert grace["company"] == "US Navy"
    assert grace["title"] == "Rear Admiral"
    assert grace["tags"] == ["Navy"]
    assert grace["notes"] == 'Said: "It\'s easier to ask forgiveness"'
    assert people["Alan Turing"]["email"] == "alan@bletchley.example"
    assert people["Alan Turing"]["tags"] == []


def test_outlook_desktop_cp1252_all_quoted_categories(crm):
    out = _import(crm, "outlook.csv")
    assert "2 created" in out
    people = _contacts(crm)
    fr = people["François Lefèvre"]
    assert fr["email"] == "francois@cafe-creme.example"
    assert fr["phone"] == "+33 6 12 34 56 78"  # Mobile Phone wins over Business Phone
    assert fr["fields"]["Business Phone"] == "+33 1 23 45 67 89"  # ...which is kept
    assert fr["company"] == "Café Crème SARL"
    assert fr["title"] == "Gérant"
    assert fr["fields"]["Title"] == "Mr."  # the honorific, since Job Title exists
    assert fr["tags"] == ["Kunden", "VIP"]
    assert fr["notes"] == "Prefers calls €, not email\r\nsecond line"
    assert fr["fields"]["Business Street"] == "12 Rue de l'Été"
    assert "Birthday" not in fr["fields"]  # Outlook's 0/0/00 placeholder is not data
    assert "Gender" not in fr["fields"]
    j = people["Jürgen Weiß"]
    assert j["company"] == "Müller & Söhne"
    assert j["phone"] == "030 1234"
    assert j["tags"] == ["Lieferant"]


def test_outlook_com(crm):
    _import(crm, "outlook_com.csv")
    (m,) = crm.json("contact", "list")
    assert m["name"] == "Margaret Hamilton"
    assert m["email"] == "margaret@mit.example"
    assert m["phone"] == "+1 617 555 0101"
    assert m["title"] == "Director, Software Engineering"
    assert m["company"] == "MIT Instrumentation Lab"
    assert m["notes"] == "Apollo; guidance"
    assert m["fields"]["E-mail 2 Address"] == "mh@home.example"
    assert m["fields"]["Home Phone"] == "+1 617 555 0102"
    assert m["fields"]["Title"] == "Ms."


def test_hubspot_lifecycle_owner_dates_and_company(crm):
    out = _import(crm, "hubspot.csv")
    assert "4 created" in out and "1 new company" in out
    people = _contacts(crm)
    kj = people["Katherine Johnson"]
    assert kj["stage"] == "prospect"  # Marketing Qualified Lead
    assert kj["owner"] == "owner@team.example"
    assert kj["company"] == "NASA Langley"
    assert kj["phone"] == "+1 757 555 0100"
    assert kj["created_at"] == "2026-03-14T08:21:00+00:00"  # local Berlin time in the file
    assert kj["fields"] == {
        "Record ID": "51",
        "Lead Status": "Open",
        "Country/Region": "United States",
    }
    assert people["Dorothy Vaughan"]["stage"] == "customer"
    assert people["Dorothy Vaughan"]["company"] == "NASA Langley"  # same company, any case
    assert people["Mary Jackson"]["stage"] == "lead"  # Subscriber
    assert people["Mary Jackson"]["owner"] is None  # the file says: no owner
    assert people["Evan Gelist"]["stage"] == "customer"  # Evangelist
    assert len(crm.json("company", "list")) == 1


def test_salesforce_contacts_and_leads(crm):
    _import(crm, "salesforce_contacts.csv")
    _import(crm, "salesforce_leads.csv")
    people = _contacts(crm)
    rose = people["Rose Gonzalez"]
    assert rose["title"] == "SVP, Procurement"
    assert rose["company"] == "Edge Communications"
    assert rose["owner"] == "Ana Admin"
    assert rose["phone"] == "(512) 757-6000"
    assert rose["fields"]["Mobile"] == "(512) 757-9340"
    assert rose["fields"]["Salutation"] == "Mrs."
    assert rose["fields"]["Mailing Street"] == "313 Constitution Place\nAustin, TX 78767"
    bertha = people["Bertha Boxer"]
    assert bertha["company"] == "Farmers Coop. of Florida"
    assert bertha["source"] == "Web"
    assert bertha["owner"] == "Ana Admin"
    assert bertha["fields"] == {"Rating": "Hot", "Street": "321 Westcott Building"}


def test_linkedin_notes_preamble_and_missing_emails(crm):
    out = _import(crm, "linkedin_connections.csv")
    assert "2 created" in out
    people = _contacts(crm)
    tim = people["Tim Berners-Lee"]
    assert tim["email"] is None
    assert tim["company"] == "W3C"
    assert tim["title"] == "Director"
    assert tim["fields"] == {"URL": "https://www.linkedin.com/in/timbl"}
    assert tim["created_at"] == "2026-06-14T22:00:00+00:00"  # 15 Jun 2026, local midnight
    assert people["Radia Perlman"]["company"] == "Dell, Inc."


@pytest.mark.parametrize(
    "name",
    [
        "google_labels.csv",
        "google_csv.csv",
        "outlook.csv",
        "outlook_com.csv",
        "hubspot.csv",
        "salesforce_contacts.csv",
        "linkedin_connections.csv",
    ],
)
def test_importing_the_same_file_twice_adds_nothing(crm, name):
    _import(crm, name)
    before = crm.json("contact", "list")
    out = _import(crm, name)
    assert " 0 created, 0 updated," in out
    assert crm.json("contact", "list") == before


def test_dry_run_names_the_source_and_where_each_column_goes(crm):
    out = _import(crm, "outlook.csv", "--dry-run")
    assert "(Outlook, cp1252, delimiter ',')" in out
    assert "E-mail Address" in out and "->  email" in out
    assert "Mobile Phone" in out
    assert "Categories" in out and "->  tags" in out
    assert "custom field 'Hobby'" in out
    assert "would be 2 created, 0 updated, 0 skipped" in out
    assert crm.json("contact", "list") == []
