"""`termcrm db ...` and how bad database targets are reported."""

from __future__ import annotations

import os
import stat


def test_db_check_ok(crm):
    result = crm("db", "check", "--json")
    assert result.exit_code == 0
    import json

    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert report["problems"] == []


def test_db_upgrade_on_current_database(crm):
    crm.ok("contact", "list")
    assert "newest schema" in crm.ok("db", "upgrade")


def test_backup_is_a_private_consistent_copy(crm, crm_env):
    crm.ok("contact", "add", "Ada")
    dest = crm_env / "backup.db"
    crm.ok("db", "backup", str(dest))
    assert stat.S_IMODE(os.stat(dest).st_mode) == 0o600
    result = crm("--db", str(dest), "contact", "list", "--json")
    assert result.exit_code == 0 and "Ada" in result.stdout
    again = crm("db", "backup", str(dest))
    assert again.exit_code == 1
    assert "exists already" in again.stderr


def test_db_in_uncreatable_directory(crm, crm_env):
    blocker = crm_env / "file"
    blocker.write_text("x")
    result = crm("--db", str(blocker / "sub" / "crm.db"), "contact", "list")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Cannot create the database directory")
    assert "Traceback" not in result.output


def test_file_that_is_not_a_database(crm, crm_env):
    bogus = crm_env / "bogus.db"
    bogus.write_text("not sqlite")
    result = crm("--db", str(bogus), "contact", "add", "Ada")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {bogus} is not a termcrm database (not a SQLite file)\n"
    assert bogus.read_text() == "not sqlite"


def test_usage_errors_are_one_line_exit_2(crm):
    result = crm("contact", "add")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Missing argument 'NAME'") or result.stderr.startswith(
        "Error: Missing argument"
    )
    assert len(result.stderr.strip().splitlines()) == 1
