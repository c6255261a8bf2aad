"""A database file that does not exist yet: termcrm creates it and says so once on stderr
(a mistyped `--db` or `TERMCRM_DB` must not silently start an empty CRM); never for
PostgreSQL; `remind` (which runs in every new shell) creates nothing at all."""

from __future__ import annotations

import pytest


def _notice(path) -> str:
    return f"Created a new termcrm database at {path}\n"


def test_a_new_file_named_by_termcrm_db_is_announced_once(crm, tmp_path, monkeypatch):
    new = tmp_path / "typo" / "crm-new.db"
    monkeypatch.setenv("TERMCRM_DB", str(new))
    first = crm("contact", "add", "Zoë Ölstad")
    assert first.exit_code == 0
    assert first.stderr == _notice(new) and first.stdout == "Added contact #1 Zoë Ölstad\n"
    again = crm("contact", "list", "--json")
    assert again.stderr == "" and again.exit_code == 0
    assert new.stat().st_mode & 0o777 == 0o600


def test_a_new_file_named_by_db_is_announced_with_its_absolute_path(crm, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = crm("--db", "relative ünïcode.db", "contact", "list", "--json")
    assert first.stderr == _notice(tmp_path / "relative ünïcode.db")
    assert crm("--db", "relative ünïcode.db", "contact", "list", "--json").stderr == ""


def test_the_default_location_is_announced_on_the_first_run_only(crm, monkeypatch, crm_env):
    from termcrm import paths

    monkeypatch.delenv("TERMCRM_DB")
    default = paths.default_db_path()
    assert str(default).startswith(str(crm_env))  # the test's own HOME, never the real one
    assert crm("contact", "list", "--json").stderr == _notice(default)
    assert crm("contact", "list", "--json").stderr == ""


def test_an_invalid_command_on_a_new_file_still_says_it_was_created(crm, tmp_path):
    new = tmp_path / "new.db"
    result = crm("--db", str(new), "task", "add", "Call", "--due", "blorf")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        _notice(new).strip(),
        "Error: Cannot read 'blorf' as a date (due); try 2026-12-01, '2026-12-01 14:30', "
        "'tomorrow', 'next fri', 'in 3 days', '3d' or 'eow'",
    ]


def test_an_existing_database_says_nothing(crm, db_path):
    assert db_path.exists()
    assert crm("contact", "list", "--json").stderr == ""


def test_remind_creates_no_database(run_termcrm, tmp_path):
    missing = tmp_path / "nowhere" / "crm.db"
    done = run_termcrm("remind", "--always", env={"TERMCRM_DB": str(missing)})
    assert done.returncode == 0 and done.stderr == ""
    assert not missing.exists() and not missing.parent.exists()


def test_a_real_process_announces_a_new_file(run_termcrm, tmp_path):
    new = tmp_path / "fresh.db"
    done = run_termcrm("contact", "list", "--json", env={"TERMCRM_DB": str(new)})
    assert done.returncode == 0 and done.stderr == _notice(new)
    again = run_termcrm("contact", "list", "--json", env={"TERMCRM_DB": str(new)})
    assert again.stderr == ""


@pytest.mark.postgres
def test_postgresql_is_never_announced(crm, pg_url):
    first = crm("--db", pg_url, "contact", "list", "--json")
    assert first.exit_code == 0 and first.stderr == ""
