"""`--skip-bad`: the good rows go in, the bad ones into a rejects CSV to fix and re-import;
the error report groups identical reasons."""

from __future__ import annotations

import csv
import json
import shutil
import stat
from pathlib import Path

FIXTURE = Path(__file__).parent / "fixtures" / "import" / "some_bad_rows.csv"


def _copy(tmp_path: Path) -> Path:
    f = tmp_path / "export.csv"
    shutil.copy(FIXTURE, f)
    return f


def test_all_or_nothing_stays_the_default_and_identical_reasons_are_grouped(crm, tmp_path):
    f = _copy(tmp_path)
    r = crm("import", "contacts", f)
    assert r.exit_code == 2
    err = r.stderr.splitlines()
    assert err[0] == f"Error: 31 bad rows in {f}; nothing was imported"
    assert any(line.startswith("  30 rows: ") and "lines 3-32" in line for line in err)
    assert any(line.startswith("  line 33: Invalid email") for line in err)
    assert len(err) == 3
    assert crm.json("contact", "list") == []


def test_json_lists_every_bad_row(crm, tmp_path):
    r = crm("import", "contacts", _copy(tmp_path), "--json")
    assert r.exit_code == 2
    report = json.loads(r.stdout)
    assert [e["line"] for e in report["errors"]] == list(range(3, 34))


def test_skip_bad_imports_the_good_rows_and_writes_the_rejects(crm, tmp_path):
    f = _copy(tmp_path)
    out = crm.ok("import", "contacts", f, "--skip-bad")
    assert "2 created" in out and "31 bad rows written to" in out
    names = sorted(c["name"] for c in crm.json("contact", "list"))
    assert names == ["Eve", "Zoë Ölstad"]
    rejects = tmp_path / "export.rejects.csv"
    assert stat.S_IMODE(rejects.stat().st_mode) == 0o600
    with rejects.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["First Name", "Last Name", "Email", "Create Date", "line", "error"]
    assert len(rows) == 32
    assert rows[1][:4] == ["Person0", "Ünal", "p0@example.org", "2/5/24 1:51 XM"]
    assert rows[1][4] == "3" and "not a date" in rows[1][5]
    # fixed, the rejects file imports on its own (its line and error columns are ignored)
    fixed = rejects.read_text(encoding="utf-8").replace("2/5/24 1:51 XM", "2024-02-05")
    fixed = fixed.replace("not an email", "bad@example.org")
    rejects.write_text(fixed, encoding="utf-8")
    assert "31 created" in crm.ok("import", "contacts", rejects)
    assert len(crm.json("contact", "list")) == 33


def test_rejects_can_go_elsewhere_and_dry_run_writes_none(crm, tmp_path):
    f = _copy(tmp_path)
    crm.ok("import", "contacts", f, "--skip-bad", "--dry-run")
    assert not (tmp_path / "export.rejects.csv").exists()
    target = tmp_path / "fix-me.csv"
    crm.ok("import", "contacts", f, "--skip-bad", "--rejects", target)
    assert target.read_text(encoding="utf-8").count("\n") == 32


def test_no_bad_rows_no_rejects_file(crm, tmp_path):
    f = tmp_path / "good.csv"
    f.write_text("name,email\nZoë,zoe@example.org\n", encoding="utf-8")
    assert "1 created" in crm.ok("import", "contacts", f, "--skip-bad")
    assert not (tmp_path / "good.rejects.csv").exists()
