"""Other tools' exports as a list of entries (`sources.SOURCES`): each recognises its real
header rows, names only fields that exist, and is told of in docs/import-export.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from termcrm.services.transfer import mapping, sources, values

DOCS = Path(__file__).parent.parent / "docs" / "import-export.md"

#: header rows of real exports (the shapes in the project's reference notes)
REAL_HEADERS = [
    (
        "contacts",
        "First Name,Middle Name,Last Name,Phonetic First Name,Name Prefix,Name Suffix,Nickname,"
        "File As,Organization Name,Organization Title,Organization Department,Birthday,Notes,"
        "Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value",
        "Google Contacts",
    ),
    (
        "contacts",
        "Name,Given Name,Additional Name,Family Name,Yomi Name,Name Prefix,Name Suffix,Nickname,"
        "Birthday,Notes,Group Membership,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,"
        "Phone 1 - Value,Organization 1 - Name,Organization 1 - Title",
        "Google CSV",
    ),
    (
        "contacts",
        '"Title","First Name","Middle Name","Last Name","Suffix","Company","Department",'
        '"Job Title","Business Street","Business Street 2","Business Phone","Mobile Phone",'
        '"Primary Phone","Anniversary","Birthday","Categories","E-mail Address","E-mail Type",'
        '"E-mail Display Name","Gender","Notes","Priority","Private","Sensitivity","Web Page"',
        "Outlook",
    ),
    (
        "contacts",
        "First Name,Middle Name,Last Name,Title,Suffix,Nickname,Given Yomi,Surname Yomi,"
        "E-mail Address,Home Phone,Business Phone,Mobile Phone,IMAddress,Job Title,Company,"
        "Birthday,Anniversary,Notes",
        "Outlook.com",
    ),
    (
        "contacts",
        "Record ID,First Name,Last Name,Email,Phone Number,Lead Status,Lifecycle Stage,"
        "Create Date,Associated Company,Country/Region,Contact owner",
        "HubSpot",
    ),
    (
        "contacts",
        "Contact ID,First Name,Last Name,Email,Company Name,Website URL,Original Source,"
        "HubSpot Score,City,State/Region",
        "HubSpot",
    ),
    (
        "companies",
        "Record ID,Company name,Company Domain Name,Create Date,Company owner,Industry",
        "HubSpot",
    ),
    ("deals", "Record ID,Deal Name,Deal Stage,Amount,Close Date,Deal owner", "HubSpot"),
    (
        "contacts",
        "Salutation,First Name,Last Name,Title,Mailing Street,Mailing City,"
        "Mailing State/Province,Mailing Zip/Postal Code,Mailing Country,Phone,Mobile,Fax,Email,"
        "Account Owner,Account Name",
        "Salesforce",
    ),
    (
        "contacts",
        "Lead Owner,First Name,Last Name,Title,Company / Account,Lead Source,Rating,Street,Email",
        "Salesforce",
    ),
    (
        "contacts",
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
        "LinkedIn",
    ),
    (
        "contacts",
        "First Name,Last Name,Display Name,Nickname,Primary Email,Secondary Email,Screen Name,"
        "Work Phone,Home Phone,Mobile Number",
        "Thunderbird",
    ),
    ("contacts", "Name,Email,Phone", "CSV"),
]


@pytest.mark.parametrize("kind, header, tool", REAL_HEADERS)
def test_each_tool_is_recognised_by_its_header_row(kind, header, tool):
    headers = [h.strip('"') for h in header.split(",")]
    assert sources.detect_format(kind, headers) == tool
    assert mapping.build(kind, headers).source_format == tool


@pytest.mark.parametrize("src", sources.SOURCES, ids=lambda s: s.name)
def test_every_entry_names_fields_that_exist_and_feeds_the_mapping(src):
    kinds = set(mapping.ALIASES)
    assert set(src.detect) <= kinds
    for scope, fields in src.aliases.items():
        targets = kinds if scope == sources.EVERY_KIND else {scope}
        assert scope == sources.EVERY_KIND or scope in kinds
        for target, names in fields.items():
            having = [k for k in targets if target in mapping.ALIASES[k]]
            assert having, f"{src.name}: no record kind has a field {target!r}"
            for kind in having:  # its header names reach the mapping
                assert set(names) <= set(mapping.ALIASES[kind][target])
            assert all(n == sources.norm(n) for n in names), "aliases are normalised"
    assert all(sources.norm(h) == h for h in src.placeholders)


@pytest.mark.parametrize("src", sources.SOURCES, ids=lambda s: s.name)
def test_the_import_docs_tell_each_tool_and_its_quirks(src):
    docs = DOCS.read_text(encoding="utf-8")
    assert src.name in docs
    assert src.quirks, f"{src.name}: say what its files hold"


def test_one_stage_parser_for_every_tool_and_kind():
    assert values.stage("Closed Won", "deals") == "won"
    assert values.stage("decisionmakerboughtin", "deals") == "negotiation"
    assert values.stage("Marketing Qualified Lead", "contacts") == "prospect"
    assert values.stage("Evangelist", "contacts") == "customer"
    assert values.stage("friend", "contacts") == "friend"  # the record's rule decides


def test_dates_and_footers_of_every_entry_apply():
    assert set(sources.LINKEDIN.date_formats) <= set(sources.DATE_FORMATS)
    assert set(sources.US_DATES) <= set(sources.DATE_FORMATS)
    assert values.parse_day("15 Jun 2026", "created_at").isoformat() == "2026-06-15"
    assert values.parse_day("2/5/24", "created_at").isoformat() == "2024-02-05"
    for line in ("Confidential Information - Do Not Distribute", "Copyright (c) 2000-2026"):
        assert sources.FOOTERS.match(line)
    assert not sources.FOOTERS.match("Ada Lovelace")


def test_null_words_are_empty_in_every_file_but_termcrms_own(crm, tmp_path):
    assert sources.TERMCRM.null_words == frozenset() and "N/A" in sources.PLAIN.null_words
    f = tmp_path / "sheet.csv"
    f.write_text("Name,Phone\nAda,null\nBea,N/A\n", encoding="utf-8")
    crm.json("import", "contacts", f)
    assert {c["phone"] for c in crm.json("contact", "list")} == {None}
