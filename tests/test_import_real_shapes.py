"""What real exports hold imports as written (each fixture a small synthetic file of that
shape, made for these tests; the vendors' headers are in docs/import-export.md)."""

from __future__ import annotations

import json
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def _import(crm, name: str, *args: str) -> dict:
    return crm.json("import", "contacts", FIXTURES / name, *args)


def _people(crm) -> dict[str, dict]:
    out = {}
    for c in crm.json("contact", "list"):
        out[c["name"]] = crm.json("contact", "show", str(c["id"]))
    return out


def test_excel_resaved_hubspot_dates_null_words_and_duplicate_headers(crm):
    report = _import(crm, "hubspot_excel.csv")
    assert report["created"] == 2 and report["error_count"] == 0
    people = _people(crm)
    zoe, unal = people["Zoë Ölstad"], people["Ünal Kaya"]
    assert zoe["phone"] is None and unal["phone"] is None  # "null", "N/A": empty
    assert unal["company"] is None
    assert zoe["created_at"].startswith("2024-02-05")  # 2/5/24: month first
    # the contact's own "Last Activity Date" keeps its name; the company's is qualified
    assert zoe["fields"]["Last Activity Date"] == "3/1/24 9:05"
    assert zoe["fields"]["Last Activity Date (column 9)"] == "4/2/24 10:00"
    assert "Last Activity Date" not in unal["fields"]


def test_salesforce_footer_lines_are_not_rows(crm):
    report = _import(crm, "salesforce_footer.csv")
    assert (report["created"], report["error_count"]) == (2, 0)


def test_thunderbird_trailing_empty_field(crm):
    report = _import(crm, "thunderbird.csv")
    assert (report["created"], report["error_count"]) == (2, 0)
    assert _people(crm)["Zoë Ölstad"]["phone"] == "+49 30 1"


def test_utf16_without_byte_order_mark(crm):
    report = _import(crm, "utf16_nobom.csv")
    assert report["encoding"].startswith("utf-16") and report["created"] == 1
    assert list(_people(crm)) == ["Zoë Ölstad"]


def test_linkedin_hidden_members_are_counted_not_imported_nor_errors(crm):
    report = _import(crm, "linkedin_hidden.csv")
    assert (report["created"], report["hidden"], report["error_count"]) == (1, 2, 0)
    out = crm.ok("import", "contacts", FIXTURES / "linkedin_hidden.csv")
    assert "2 hidden" in out


def test_phone_only_contacts_are_named_from_the_phone(crm):
    report = _import(crm, "google_phone_only.csv")
    assert report["created"] == 2
    assert sorted(_people(crm)) == ["+49 170 1234567", "Zoë"]


def test_vcard_21_quoted_printable_with_charset(crm):
    assert _import(crm, "vcard21_qp.vcf")["created"] == 1
    assert _people(crm)["Zoë Ölstad"]["phone"] == "+49 30 1234"


def test_vcard_with_only_a_nickname(crm):
    assert _import(crm, "vcard_nickname_only.vcf")["created"] == 1
    assert list(_people(crm)) == ["Ünni"]


def test_vcard_missing_end_names_the_card(crm, tmp_path):
    r = crm("import", "contacts", FIXTURES / "vcard_missing_end.vcf")
    assert r.exit_code == 2
    assert "line 6: the vCard 'Cy Broken' has no END:VCARD" in r.stderr
    rejects = tmp_path / "rejects.csv"
    out = crm.ok(
        "import", "contacts", FIXTURES / "vcard_missing_end.vcf", "--skip-bad", "--rejects", rejects
    )
    assert "1 created" in out
    assert "Cy Broken" in rejects.read_text(encoding="utf-8")


def test_json_report_of_a_clean_file_says_nothing_hidden(crm):
    report = _import(crm, "salesforce_footer.csv")
    assert report["hidden"] == 0 and json.dumps(report)


def test_hubspot_companies_export_maps_without_map_options(crm):
    report = crm.json("import", "companies", FIXTURES / "hubspot_companies.csv")
    assert report["format"] == "HubSpot" and report["created"] == 2
    ignored = {m["column"] for m in report["mapping"] if m["field"] == "ignored"}
    assert {"Record ID", "Number of Employees"} <= ignored
    # companies have owners now: HubSpot's owner column says who looks after the company
    assert {m["column"]: m["field"] for m in report["mapping"]}["Company owner"] == "owner"
    companies = {c["name"]: c for c in crm.json("company", "list")}
    assert companies["Ölwerk GmbH"]["domain"] == "oelwerk.example"


def test_hubspot_deals_export_maps_stages_and_associated_contacts(crm):
    crm.ok("contact", "add", "Zoë Ölstad", "--email", "zoe@example.org")
    crm.ok("contact", "add", "Ünal Kaya", "--email", "unal@example.org")
    r = crm("import", "deals", FIXTURES / "hubspot_deals.csv", "--json")
    assert r.exit_code == 2  # "Waiting For Godot" is no stage termcrm knows
    report = json.loads(r.stdout)
    assert [(e["line"], "stage" in e["reason"]) for e in report["errors"]] == [(5, True)]
    out = crm.ok("import", "deals", FIXTURES / "hubspot_deals.csv", "--skip-bad")
    assert "3 created" in out
    deals = {d["title"]: d for d in crm.json("deal", "list")}
    assert deals["Ölpreis renewal"]["stage"] == "won"
    assert deals["Ölpreis renewal"]["contact"] == "Zoë Ölstad"
    assert deals["Ölpreis renewal"]["value"] == "1200.50"
    assert deals["Second try"]["stage"] == "lost"
    assert deals["Second try"]["contact"] == "Ünal Kaya"
    assert deals["Pitch"]["stage"] == "proposal"
