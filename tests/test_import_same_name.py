"""People who share a name are not one person: without an email, a row is the same contact
as another only by name and phone, or name and company; every skip says why, by line."""

from __future__ import annotations

import json
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "import"
SAME_NAMES = FIXTURES / "google_same_names.csv"


def _by_name(crm) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for c in crm.json("contact", "list"):
        out.setdefault(c["name"], []).append(c)
    return out


def test_three_maria_garcias_with_three_phones_are_three_contacts(crm):
    report = crm.json("import", "contacts", SAME_NAMES)
    people = _by_name(crm)
    assert sorted(m["phone"] for m in people["Maria Garcia"]) == [
        "+1 415 555 0100",
        "+34 612 345 678",
        "+34 622 000 111",
    ]
    assert len(people["José Pérez"]) == 1
    assert sorted(str(a["phone"]) for a in people["Ana Ruiz"]) == ["+34 611 111 111", "None"]
    assert (report["created"], report["skipped"], report["error_count"]) == (6, 3, 0)
    # each true duplicate is listed by line: why, and which earlier line it matched
    assert report["skips"] == [
        {
            "line": 5,
            "reason": "same name and phone as line 2",
            "existing_id": None,
            "earlier_line": 2,
        },
        {
            "line": 7,
            "reason": "same name and company as line 6",
            "existing_id": None,
            "earlier_line": 6,
        },
        {
            "line": 9,
            "reason": "same name (neither has a phone or company) as line 8",
            "existing_id": None,
            "earlier_line": 8,
        },
    ]


def test_importing_the_file_again_adds_nothing_and_names_each_match(crm):
    crm.json("import", "contacts", SAME_NAMES)
    ids = {(c["name"], c["phone"]): c["id"] for c in crm.json("contact", "list")}
    again = crm.json("import", "contacts", SAME_NAMES)
    assert (again["created"], again["skipped"]) == (0, 9)
    skips = {s["line"]: s for s in again["skips"]}
    assert skips[2]["existing_id"] == ids[("Maria Garcia", "+34 612 345 678")]
    assert skips[2]["reason"] == f"same name and phone as contact #{skips[2]['existing_id']}"
    assert skips[5]["existing_id"] == skips[2]["existing_id"]  # +34612345678: the same number
    assert skips[4]["existing_id"] == ids[("Maria Garcia", "+1 415 555 0100")]
    assert skips[7]["reason"].startswith("same name and company as contact #")
    assert all(s["earlier_line"] is None for s in again["skips"])
    assert len(crm.json("contact", "list")) == 6


def test_a_stored_namesake_with_another_phone_is_not_the_same_person(crm, tmp_path):
    crm.ok("contact", "add", "Maria Garcia", "--phone", "+34 699 999 999")
    f = tmp_path / "one.csv"
    f.write_text("Name,Phone\nmaria garcia,+34 612 345 678\n", encoding="utf-8")
    assert crm.json("import", "contacts", f)["created"] == 1
    # a namesake with no phone and no company: the name is all there is, and it differs
    # from a contact that has a phone, so it is someone new as well
    g = tmp_path / "bare.csv"
    g.write_text("Name\nMaria Garcia\n", encoding="utf-8")
    assert crm.json("import", "contacts", g)["created"] == 1
    names = [c["name"].casefold() for c in crm.json("contact", "list")]
    assert names.count("maria garcia") == 3


def test_dry_run_lists_every_skip_by_line(crm):
    result = crm("import", "contacts", SAME_NAMES, "--dry-run")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    start = lines.index("Skipped as duplicates:")
    assert lines[start + 1 : start + 4] == [
        "  line 5: same name and phone as line 2",
        "  line 7: same name and company as line 6",
        "  line 9: same name (neither has a phone or company) as line 8",
    ]
    assert lines[-1] == (
        "Dry run, nothing was written: would be 6 created, 0 updated, 3 skipped; 1 new company."
    )
    assert crm.json("contact", "list") == []


def test_on_duplicate_error_names_the_match_and_why(crm, tmp_path):
    crm.ok("contact", "add", "Ana Ruiz", "--company", "Acme")
    f = tmp_path / "ana.csv"
    f.write_text("Name,Company,Phone\nAna Ruiz,ACME,+34 611 111 111\n", encoding="utf-8")
    result = crm("import", "contacts", f, "--on-duplicate", "error")
    assert result.exit_code == 2
    assert (
        "line 2: duplicate: the name 'Ana Ruiz' is already used by contact #1 "
        "(name and company)" in result.stderr
    )


def test_skips_of_other_record_kinds_are_listed_too(crm, tmp_path):
    f = tmp_path / "companies.csv"
    f.write_text("Name\nAcme\nacme\n", encoding="utf-8")
    report = crm.json("import", "companies", f)
    assert report["skips"] == [
        {"line": 3, "reason": "same name as line 2", "existing_id": None, "earlier_line": 2}
    ]


def test_dry_run_as_a_real_process(run_termcrm):
    result = run_termcrm("import", "contacts", SAME_NAMES, "--dry-run", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["dry_run"] is True
    assert [s["line"] for s in report["skips"]] == [5, 7, 9]


def test_namesakes_are_told_apart_across_batches(crm, tmp_path):
    # more rows than one batch (2,000): the later duplicate meets the earlier row stored
    rows = [f"Maria Garcia,+34 600 {i:06d}" for i in range(2100)]
    rows.append("maria garcia,+34600000007")  # the same number as the 8th row
    rows.append("Maria Garcia,+34 699 999 999")  # a namesake with a new number
    f = tmp_path / "many.csv"
    f.write_text("Name,Phone\n" + "\n".join(rows) + "\n", encoding="utf-8")
    report = crm.json("import", "contacts", f)
    assert (report["created"], report["skipped"]) == (2101, 1)
    [skip] = report["skips"]
    assert skip["line"] == 2102 and skip["reason"].startswith("same name and phone as contact #")
    shown = crm.json("contact", "show", str(skip["existing_id"]))
    assert shown["phone"] == "+34 600 000007"
