"""Export: CSV formula-injection safety, JSON, vCard, iCalendar, files with mode 0600."""

from __future__ import annotations

import csv
import io
import json
import stat

import pytest


@pytest.fixture
def ada(crm):
    crm.ok(
        "contact", "add", "=HYPERLINK(\"http://evil\")", "--email", "ada@example.com",
        "--phone", "+49 30 1234", "--company", "@ACME", "--title", "-CEO",
        "--tag", "vip", "--tag", "a;b", "--field", "note=+1 or 2", "--notes", "line1\nline2, \"q\"",
        "--stage", "customer",
    )  # fmt: skip


def test_csv_export_neutralises_formulas_and_import_reverses_it(crm, ada, tmp_path):
    text = crm.ok("export", "contacts")
    rows = list(csv.DictReader(io.StringIO(text)))
    (row,) = rows
    assert row["name"] == '\'=HYPERLINK("http://evil")'
    assert row["phone"] == "'+49 30 1234"
    assert row["company"] == "'@ACME"
    assert row["title"] == "'-CEO"
    assert row["tags"] == '["a;b", "vip"]'  # a tag holding ';' forces the JSON form
    assert json.loads(row["fields"]) == {"note": "+1 or 2"}
    assert row["notes"] == 'line1\nline2, "q"'
    for value in row.values():
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))

    f = tmp_path / "contacts.csv"
    f.write_text(text, encoding="utf-8")
    other = tmp_path / "other.db"
    crm.ok("--db", other, "import", "contacts", f)
    (back,) = crm.json("--db", other, "contact", "list")
    (orig,) = crm.json("contact", "list")
    assert back == orig
    assert back["phone"] == "+49 30 1234" and back["name"] == '=HYPERLINK("http://evil")'


def test_foreign_files_keep_a_leading_apostrophe(crm, tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("name,email,phone\nAda,a@x.org,'+49 1\n", encoding="utf-8")
    crm.ok("import", "contacts", f)
    assert crm.json("contact", "list")[0]["phone"] == "'+49 1"


def test_escape_is_reversible_for_values_starting_with_an_apostrophe():
    from termcrm.services.transfer.formats.csv import escape, unescape

    for v in ["'=x", "'", "''", "=x", "+49", "plain", "'plain", "", "@", "-", "\tx"]:
        assert unescape(escape(v)) == v


def test_json_export_is_an_array_and_empty_is_brackets(crm, ada):
    data = json.loads(crm.ok("export", "contacts", "--format", "json"))
    assert [c["email"] for c in data] == ["ada@example.com"]
    assert data[0]["tags"] == ["a;b", "vip"]
    assert json.loads(crm.ok("export", "deals", "--format", "json")) == []
    assert crm.ok("export", "deals").startswith("id,title,contact_id,contact,contact_email,")


def test_output_file_is_private(crm, ada, tmp_path):
    out = tmp_path / "c.csv"
    r = crm("export", "contacts", "-o", out)
    assert r.exit_code == 0 and r.stdout == ""
    assert "Exported 1 contacts" in r.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "ada@example.com" in out.read_text(encoding="utf-8")


def test_unknown_format_and_wrong_kind_for_format(crm):
    r = crm("export", "contacts", "--format", "xml")
    assert r.exit_code == 2 and "Unknown format 'xml'" in r.stderr
    r = crm("export", "deals", "--format", "vcf")
    assert r.exit_code == 2 and r.stderr == "Error: --format vcf exports contacts only\n"


def test_vcard_round_trip(crm, ada, tmp_path):
    crm.ok("contact", "add", "Zoë Ångström", "--company", "Ünicode, Ltd.", "--tag", "x,y")
    vcf = crm.ok("export", "contacts", "--format", "vcf")
    assert vcf.count("BEGIN:VCARD") == 2
    assert "EMAIL;TYPE=INTERNET:ada@example.com" in vcf
    assert "TEL:+49 30 1234" in vcf
    assert "ORG:Ünicode\\, Ltd." in vcf
    f = tmp_path / "all.vcf"
    f.write_text(vcf, encoding="utf-8")
    other = tmp_path / "other.db"
    out = crm.ok("--db", other, "import", "contacts", f)
    assert "2 created" in out
    strip = lambda c: {k: v for k, v in c.items() if k != "id"}  # noqa: E731
    assert [strip(c) for c in crm.json("--db", other, "contact", "list")] == [
        strip(c) for c in crm.json("contact", "list")
    ]
    assert "0 created" in crm.ok("--db", other, "import", "contacts", f)


def test_vcard_from_a_phone_with_several_numbers_and_vcard4(crm, tmp_path):
    f = tmp_path / "phone.vcf"
    f.write_text(
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Grace Hopper\r\nN:Hopper;Grace;;;\r\n"
        "EMAIL;TYPE=work:grace@navy.example\r\nEMAIL;TYPE=home:g@home.example\r\n"
        "TEL;TYPE=cell:+1 555 0100\r\nTEL;TYPE=work:+1 555 0199\r\n"
        "ORG:US Navy\r\nCATEGORIES:Navy,Computing\r\nBDAY:19061209\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Turing;Alan;;;\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    crm.ok("import", "contacts", f)
    people = {c["name"]: c for c in crm.json("contact", "list")}
    g = people["Grace Hopper"]
    assert (g["email"], g["phone"], g["company"]) == (
        "grace@navy.example",
        "+1 555 0100",
        "US Navy",
    )
    assert g["tags"] == ["Computing", "Navy"]
    assert g["fields"] == {
        "email 2 (home)": "g@home.example",
        "email type": "work",
        "phone 2 (work)": "+1 555 0199",
        "phone type": "cell",
        "birthday": "1906-12-09",
    }
    assert (g["first_name"], g["last_name"]) == ("Grace", "Hopper")
    assert g["owner"] == "tester"
    assert "Alan Turing" in people


def test_bad_vcard_is_a_bad_row_with_its_line(crm, tmp_path):
    f = tmp_path / "bad.vcf"
    f.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ok\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Bad\nEMAIL:not-an-email\nEND:VCARD\n",
        encoding="utf-8",
    )
    r = crm("import", "contacts", f)
    assert r.exit_code == 2
    assert "line 5: Invalid email 'not-an-email'" in r.stderr
    assert crm.json("contact", "list") == []


def test_tasks_as_icalendar(crm, tmp_path):
    from icalendar import Calendar

    crm.ok("contact", "add", "Ada Lovelace", "--email", "ada@example.com")
    from termcrm import dates
    from termcrm.services import refs, tasks
    from termcrm.store.engine import open_store

    store = open_store(None)
    with store.write() as s:
        ada = refs.contact(s, "ada")
        tasks.add_task(s, "Call Ada", due="2026-11-20 09:30", contact=ada, priority="high")
        tasks.add_task(s, "Send deck", due="2026-11-21")
        done = tasks.add_task(s, "Old", due="2026-11-01")
        done.done_at = dates.now()
    store.close()
    first = crm.ok("export", "tasks", "--format", "ics", "--as-events")
    assert first == crm.ok("export", "tasks", "--format", "ics", "--as-events")  # stable
    cal = Calendar.from_ical(first)
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"task-1@termcrm", "task-2@termcrm"}  # open tasks only
    call = events["task-1@termcrm"]
    assert "Call Ada" in str(call["summary"])
    assert call.decoded("dtstart").isoformat() == "2026-11-20T08:30:00+00:00"
    assert "Ada Lovelace" in str(call["description"])
    assert events["task-2@termcrm"].decoded("dtstart").isoformat() == "2026-11-21"
    out = tmp_path / "t.ics"
    r = crm("export", "tasks", "--format", "ics", "-o", out)
    assert r.exit_code == 0 and "Exported 2 tasks" in r.stderr
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")


def test_export_then_import_with_the_real_program(run_termcrm, tmp_path):
    r = run_termcrm("contact", "add", "Zoë", "--email", "z@example.com", "--phone", "+49 30 1")
    assert r.returncode == 0, r.stderr
    out = tmp_path / "c.csv"
    assert run_termcrm("export", "contacts", "-o", out).returncode == 0
    r = run_termcrm("--db", tmp_path / "b.db", "import", "contacts", out)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Imported contacts from")
    # the new file is announced, and there is no progress bar when piped
    assert r.stderr == f"Created a new termcrm database at {tmp_path / 'b.db'}\n"
    r = run_termcrm("--db", tmp_path / "b.db", "contact", "list", "--json")
    (c,) = json.loads(r.stdout)
    assert (c["name"], c["phone"]) == ("Zoë", "+49 30 1")
