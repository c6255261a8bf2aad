"""Import: bad-row reports, all-or-nothing, duplicates, encodings, dialects, --map."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def _write(tmp_path: Path, text: str, name: str = "in.csv", encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_bad_rows_reported_with_the_file_line_where_each_record_starts(crm, tmp_path):
    f = _write(
        tmp_path,
        "name,email,notes\n"
        'Ada,ada@example.com,"two\nlines"\n'  # lines 2-3
        "Bob,bob-at-example,\n"  # line 4: bad email
        'Cy,cy@example.com,"three\nmore\nlines"\n'  # lines 5-7
        "Di,di@example.com\n"  # line 8: ragged
        "Ed,ed@example.com,x,extra\n"  # line 9: ragged
        "Fay,fay@example.com,fine\n",
    )
    r = crm("import", "contacts", f)
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [
        f"Error: 3 bad rows in {f}; nothing was imported",
        "  line 4: Invalid email 'bob-at-example': An email address must have an @-sign.",
        "  line 8: has 2 fields, the header has 3 (a ragged row)",
        "  line 9: has 4 fields, the header has 3 (a ragged row)",
    ]
    assert crm.json("contact", "list") == []  # all or nothing


def test_all_or_nothing_keeps_existing_data_and_count(crm, tmp_path):
    crm.ok("contact", "add", "Existing", "--email", "old@example.com")
    good = "".join(f"P{i},p{i}@example.com,Firm {i}\n" for i in range(4500))  # > 2 batches
    f = _write(tmp_path, "name,email,company\n" + good + "Bad,,,\n")
    r = crm("import", "contacts", f)
    assert r.exit_code == 2
    assert "line 4502: has 4 fields" in r.stderr
    assert [c["name"] for c in crm.json("contact", "list")] == ["Existing"]
    assert crm.json("company", "list") == []


def test_dry_run_writes_nothing_and_reports_the_same(crm, tmp_path):
    f = _write(tmp_path, "name,email\nAda,ada@example.com\nBob,nope\n")
    r = crm("import", "contacts", f, "--dry-run")
    assert r.exit_code == 2
    assert "name   ->  name" in r.stdout
    assert "line 3: Invalid email 'nope'" in r.stderr
    f2 = _write(tmp_path, "name,email\nAda,ada@example.com\n", "ok.csv")
    r = crm("import", "contacts", f2, "--dry-run")
    assert r.exit_code == 0
    assert "would be 1 created, 0 updated, 0 skipped" in r.stdout
    assert crm.json("contact", "list") == []


def test_duplicates_in_db_and_file_case_insensitive_skip_update_error(crm, tmp_path):
    crm.ok("contact", "add", "Ada Lovelace", "--email", "ada@example.com", "--tag", "old")
    f = _write(
        tmp_path,
        "name,email,phone,tags\n"
        "Ada L.,ADA@example.com,+44 1,new\n"
        "Bob,bob@example.com,,\n"
        "Bobby,BOB@EXAMPLE.COM,+1 555,\n",
    )
    out = crm.ok("import", "contacts", f)
    assert "1 created, 0 updated, 2 skipped" in out
    people = {c["email"]: c for c in crm.json("contact", "list")}
    assert people["ada@example.com"]["name"] == "Ada Lovelace"
    assert people["bob@example.com"]["name"] == "Bob"

    r = crm("import", "contacts", f, "--on-duplicate", "error")
    assert r.exit_code == 2
    assert "line 2: duplicate: the email ADA@example.com is already used by contact #1" in r.stderr

    out = crm.ok("import", "contacts", f, "--on-duplicate", "update")
    assert "0 created, 3 updated, 0 skipped" in out
    people = {c["email"].lower(): c for c in crm.json("contact", "list")}
    assert people["ada@example.com"]["name"] == "Ada L."
    assert people["ada@example.com"]["phone"] == "+44 1"
    assert people["ada@example.com"]["tags"] == ["new", "old"]
    assert people["bob@example.com"]["name"] == "Bobby"
    assert len(people) == 2


def test_duplicate_within_one_file_with_error_names_the_earlier_line(crm, tmp_path):
    f = _write(tmp_path, "name,email\nA,a@example.com\nB,b@example.com\nA2,A@example.com\n")
    r = crm("import", "contacts", f, "--on-duplicate", "error")
    assert r.exit_code == 2
    assert "line 4: duplicate: the email A@example.com is already used by line 2" in r.stderr


def test_rows_without_email_dedupe_by_name_and_company(crm, tmp_path):
    f = _write(tmp_path, "name,company\nTim,W3C\nTim,W3C\nTim,CERN\n")
    assert "2 created, 0 updated, 1 skipped" in crm.ok("import", "contacts", f)
    assert "0 created" in crm.ok("import", "contacts", f)


def test_cp1252_semicolon_and_tab_files_and_encoding_override(crm, tmp_path):
    f = _write(tmp_path, "Name;E-mail;Firma\nJürgen Weiß;jw@example.com;Café\n", encoding="cp1252")
    r = crm("import", "contacts", f, "--dry-run")
    assert "cp1252, delimiter ';'" in r.stdout
    crm.ok("import", "contacts", f)
    (c,) = crm.json("contact", "list")
    assert c["name"] == "Jürgen Weiß"
    assert c["fields"] == {"Firma": "Café"}
    t = _write(tmp_path, "\ufeffname\temail\nZoë\tz@example.com\n", "tab.tsv")
    crm.ok("import", "contacts", t)
    assert "Zoë" in {c["name"] for c in crm.json("contact", "list")}
    latin = _write(tmp_path, "name,email\nRené,rene@example.com\n", "l.csv", "latin-1")
    crm.ok("import", "contacts", latin, "--encoding", "latin-1")
    assert "René" in {c["name"] for c in crm.json("contact", "list")}
    r = crm("import", "contacts", latin, "--encoding", "utf-8")
    assert r.exit_code == 2 and "is not utf-8" in r.stderr


def test_explicit_delimiter_and_unknown_encoding(crm, tmp_path):
    f = _write(tmp_path, "name|email\nAda|ada@example.com\n")
    crm.ok("import", "contacts", f, "--delimiter", "|")
    assert crm.json("contact", "list")[0]["email"] == "ada@example.com"
    r = crm("import", "contacts", f, "--encoding", "klingon")
    assert r.exit_code == 2 and r.stderr.startswith("Error: Unknown encoding 'klingon'")


def test_map_overrides_ignores_and_names_custom_fields(crm, tmp_path):
    f = _write(tmp_path, "Who,Mail,Secret,Fav Color\nAda,ada@example.com,xyz,blue\n")
    crm.ok(
        "import", "contacts", f, "--map", "Who=name", "--map", "Mail=email",
        "--map", "Secret=", "--map", "Fav Color=field:colour",
    )  # fmt: skip
    (c,) = crm.json("contact", "list")
    assert (c["name"], c["email"]) == ("Ada", "ada@example.com")
    assert c["fields"] == {"colour": "blue"}
    r = crm("import", "contacts", f, "--map", "Nope=name")
    assert r.exit_code == 2 and "--map names columns the file does not have: nope" in r.stderr
    r = crm("import", "contacts", f, "--map", "Who=shoe_size")
    assert r.exit_code == 2 and "Unknown field 'shoe_size' for contacts" in r.stderr


def test_hubspot_unknown_stage_and_bad_date_are_bad_rows(crm, tmp_path):
    f = _write(
        tmp_path, "Email,Lifecycle Stage,Create Date\na@x.org,Alien,\nb@x.org,lead,31/31/2026\n"
    )
    r = crm("import", "contacts", f)
    assert r.exit_code == 2
    assert "line 2: Unknown stage 'Alien'" in r.stderr
    assert "line 3: Invalid created_at '31/31/2026': not a date" in r.stderr


def test_missing_file_empty_file_and_nameless_row(crm, tmp_path):
    r = crm("import", "contacts", tmp_path / "nope.csv")
    assert r.exit_code == 2 and "No such file" in r.stderr
    r = crm("import", "contacts", _write(tmp_path, "", "empty.csv"))
    assert r.exit_code == 2 and "is empty" in r.stderr
    r = crm("import", "contacts", _write(tmp_path, "name,title\n,CEO\n", "n.csv"))
    assert (
        r.exit_code == 2
        and "line 2: A contact needs a name, an email, a company or a phone" in r.stderr
    )


def test_every_import_records_stage_history_and_tags(store, crm, tmp_path):
    from sqlmodel import select

    from termcrm.store.models import ContactStageChange, ContactTag

    f = _write(tmp_path, "name,email,stage,tags\nAda,a@x.org,customer,vip; math\n")
    crm.ok("import", "contacts", f)
    with store.read() as s:
        (change,) = s.exec(select(ContactStageChange)).all()
        tags = sorted(t.tag for t in s.exec(select(ContactTag)).all())
    assert (change.from_stage, change.to_stage, change.changed_by) == (None, "customer", "tester")
    assert tags == ["math", "vip"]


def test_json_summary(crm, tmp_path):
    f = _write(tmp_path, "name,email\nAda,a@x.org\n")
    data = json.loads(crm.ok("import", "contacts", f, "--json"))
    assert data["created"] == 1 and data["errors"] == [] and data["format"] == "CSV"


def test_interactions_deals_tasks_cases_reference_contacts_by_email(crm, tmp_path):
    crm.ok("contact", "add", "Ada", "--email", "ada@example.com")
    crm.ok("contact", "add", "Bob")
    inter = _write(
        tmp_path,
        "contact_email,kind,occurred_at,summary,direction\n"
        "ada@example.com,call,2026-11-10 14:00,Renewal talk,out\n"
        "nobody@example.com,call,2026-11-10,Ghost,\n"
        "ada@example.com,fax,2026-11-10,Old school,\n",
        "i.csv",
    )
    r = crm("import", "interactions", inter)
    assert r.exit_code == 2
    assert "line 3: No contact with email 'nobody@example.com'" in r.stderr
    assert "line 4: Unknown kind 'fax'" in r.stderr
    ok = _write(
        tmp_path,
        "contact,kind,when,summary\nada@example.com,call,2026-11-10 14:00,Renewal talk\n"
        "2,note,2026-11-11,About Bob\n",
        "i2.csv",
    )
    assert "2 created" in crm.ok("import", "interactions", ok)
    assert "0 created, 0 updated, 2 skipped" in crm.ok("import", "interactions", ok)

    deals = _write(
        tmp_path,
        "title,contact_email,value,currency,stage,close\n"
        'Big one,ada@example.com,"12,000.50",usd,proposal,2026-12-31\n',
        "d.csv",
    )
    crm.ok("import", "deals", deals)
    tasks = _write(
        tmp_path,
        "title,contact,due,priority\nCall back,ada@example.com,2026-11-20 09:30,high\n"
        "Send deck,Bob,2026-11-21,\n",
        "t.csv",
    )
    crm.ok("import", "tasks", tasks)
    cases = _write(
        tmp_path, "contact_email,subject,priority\nada@example.com,Invoice wrong,urgent\n", "c.csv"
    )
    crm.ok("import", "cases", cases)

    from termcrm.services.transfer import export as exporter
    from termcrm.store.engine import open_store

    store = open_store(None)
    with store.read() as s:
        (deal,) = list(exporter.iter_records(s, "deals"))
        tasks_ = list(exporter.iter_records(s, "tasks"))
        (case,) = list(exporter.iter_records(s, "cases"))
        inters = list(exporter.iter_records(s, "interactions"))
        from sqlmodel import select

        from termcrm.store.models import DealStageChange

        (dsc,) = s.exec(select(DealStageChange)).all()
    store.close()
    assert (deal["value_minor"], deal["currency"], deal["stage"]) == (1200050, "USD", "proposal")
    assert deal["contact"] == "Ada" and deal["expected_close"] == "2026-12-31"
    assert (dsc.deal_id, dsc.from_stage, dsc.to_stage) == (deal["id"], None, "proposal")
    assert tasks_[0]["due_at"] == "2026-11-20T08:30:00+00:00" and tasks_[0]["due_has_time"]
    assert tasks_[0]["priority"] == "high"
    assert tasks_[1]["contact"] == "Bob" and tasks_[1]["due_has_time"] is False
    assert tasks_[1]["due_date"] == "2026-11-21"
    assert (case["priority"], case["status"], case["contact_email"]) == (
        "urgent",
        "open",
        "ada@example.com",
    )
    assert inters[0]["occurred_at"] == "2026-11-10T13:00:00+00:00"
    assert inters[1]["contact"] == "Bob" and inters[1]["kind"] == "note"


def test_companies_import_dedupes_by_name(crm, tmp_path):
    f = _write(tmp_path, "name,domain,industry\nACME,acme.example,Rockets\nacme,,\nGlobex,,\n")
    assert "2 created, 0 updated, 1 skipped" in crm.ok("import", "companies", f)
    assert "0 created, 0 updated, 3 skipped" in crm.ok("import", "companies", f)


def test_unknown_columns_of_other_kinds_must_be_mapped(crm, tmp_path):
    f = _write(tmp_path, "name,shoe size\nACME,42\n")
    r = crm("import", "companies", f)
    assert r.exit_code == 2
    assert "Columns with no place in companies: shoe size" in r.stderr
    crm.ok("import", "companies", f, "--map", "shoe size=")


@pytest.mark.postgres
def test_import_on_postgresql_then_add_more(crm, tmp_path, pg_url):
    f = _write(
        tmp_path,
        "name,email,company,tags\nZoë,Z@x.org,Ünicode,vip\nZed,z@X.org,ünicode,\nAl,a@x.org,,\n",
    )
    assert "2 created, 0 updated, 1 skipped" in crm.ok("--db", pg_url, "import", "contacts", f)
    assert "0 created" in crm.ok("--db", pg_url, "import", "contacts", f)
    # ids were given by the import: the sequences must have moved past them
    crm.ok("--db", pg_url, "contact", "add", "After", "--company", "Other Co")
    names = [c["name"] for c in crm.json("--db", pg_url, "contact", "list")]
    assert names == ["After", "Al", "Zoë"]
    export = tmp_path / "e.csv"
    crm.ok("--db", pg_url, "export", "contacts", "-o", export)
    other = tmp_path / "b.db"
    crm.ok("--db", other, "import", "contacts", export)
    assert crm.json("--db", other, "contact", "list") == crm.json("--db", pg_url, "contact", "list")


def test_own_export_with_namesakes_round_trips_and_reimports_nothing(crm, tmp_path):
    crm.ok("contact", "add", "Sam")
    crm.ok("contact", "add", "Sam")  # two people, same name, no email
    f = tmp_path / "e.csv"
    f.write_text(crm.ok("export", "contacts"), encoding="utf-8")
    other = tmp_path / "b.db"
    assert "2 created" in crm.ok("--db", other, "import", "contacts", f)
    assert "0 created, 0 updated, 2 skipped" in crm.ok("--db", other, "import", "contacts", f)
    assert "0 created, 0 updated, 2 skipped" in crm.ok("import", "contacts", f)
    assert len(crm.json("contact", "list")) == 2


def test_own_file_with_a_broken_id_is_a_bad_row(crm, tmp_path):
    crm.ok("contact", "add", "Ada", "--email", "a@x.org")
    text = crm.ok("export", "contacts").replace("\n1,Ada,", "\nx1,Ada,")
    f = tmp_path / "e.csv"
    f.write_text(text, encoding="utf-8")
    r = crm("--db", tmp_path / "b.db", "import", "contacts", f)
    assert r.exit_code == 2
    assert "line 2: Invalid contact id 'x1': expected a number" in r.stderr
