"""CSV files as people and tools really write them (synthetic files in tests/fixtures)."""

from __future__ import annotations


def test_an_unclosed_quote_is_reported_at_its_line_not_as_a_ragged_row(crm, tmp_path):
    f = tmp_path / "c.csv"
    f.write_text(
        'name,email,company\nÜnal,u@example.org,ACME\nZoë,"zoe@example.org,Öl\nCy,c@x.org,B\n',
        encoding="utf-8",
    )
    r = crm("import", "contacts", f)
    assert r.exit_code == 2
    assert "line 3" in r.stderr and "unclosed quote" in r.stderr
    assert "ragged" not in r.stderr
    assert crm.json("contact", "list") == []


def test_a_quoted_value_over_several_lines_at_the_end_is_fine(crm, tmp_path):
    f = tmp_path / "c.csv"
    f.write_text('name,email,notes\nZoë,zoe@example.org,"one\n""two""\nthree"\n', "utf-8")
    assert "1 created" in crm.ok("import", "contacts", f)
    (zoe,) = crm.json("contact", "list")
    assert crm.json("contact", "show", str(zoe["id"]))["notes"] == 'one\n"two"\nthree'
