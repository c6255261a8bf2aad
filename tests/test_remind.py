"""`termcrm remind`: short, silent when nothing is due or anything is wrong, once a day."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest

from termcrm import remind


@pytest.fixture
def due(crm, store):
    """Two overdue tasks and two due today (one unowned), plus others that must not count."""
    from termcrm.services import tasks

    crm.ok("contact", "add", "Grace Hopper")
    crm.ok("task", "add", "Call back", "--contact", "grace", "--due", "2026-11-16")
    crm.ok("task", "add", "Send notes", "--due", "today 08:00")
    crm.ok("task", "add", "Prepare demo", "--due", "today")
    with store.write() as s:
        tasks.add_task(s, "Unowned", due="today 16:00")  # no owner: everybody's
    crm.ok("task", "add", "Bob's", "--due", "2026-11-10", "--owner", "bob")
    crm.ok("task", "add", "Tomorrow", "--due", "tomorrow")


def test_reminds_in_three_short_lines(crm, due):
    r = crm("remind")
    assert r.exit_code == 0
    assert r.stdout.splitlines() == [
        "termcrm: 2 overdue, 2 due today · run `crm today`",
        "  ! Call back (Grace Hopper): 2 days late",
        "  ! Send notes: 2 hours late",
    ]


def test_once_a_day_unless_always(crm, due, monkeypatch):
    assert crm("remind").stdout
    assert crm("remind").stdout == ""  # stamped for today
    assert crm("remind", "--always").stdout.startswith("termcrm: 2 overdue")
    monkeypatch.setenv("TERMCRM_NOW", "2026-11-19T08:00:00+01:00")  # a new day
    assert crm("remind").stdout.startswith("termcrm: 4 overdue, 1 due today")
    assert crm("remind").stdout == ""
    # another user has a stamp of its own, and sees their own and unowned tasks
    assert crm("--user", "bob", "remind").stdout.startswith("termcrm: 2 overdue ·")


def test_shows_the_users_and_unowned_tasks_only(crm, due, monkeypatch):
    monkeypatch.setenv("TERMCRM_NOW", "2026-11-18T17:00:00+01:00")
    lines = crm("remind", "--always").stdout.splitlines()
    assert lines[0] == "termcrm: 3 overdue, 1 due today · run `crm today`"  # not Bob's
    assert len(crm("--user", "nobody-here", "remind", "--always").stdout.splitlines()) == 2


def test_due_today_only_names_the_next_tasks(crm):
    crm.ok("task", "add", "Standup", "--due", "today 11:30")
    crm.ok("task", "add", "Write report", "--due", "today")
    assert crm("remind").stdout.splitlines() == [
        "termcrm: 2 due today · run `crm today`",
        "  • Write report: today",
        "  • Standup: 11:30",
    ]


def test_silent_when_nothing_is_due(crm, db_path):
    crm.ok("task", "add", "Tomorrow", "--due", "tomorrow")
    crm.ok("task", "done", str(crm.json("task", "add", "Done", "--due", "2026-11-01")["id"]))
    r = crm("remind", "--debug")
    assert (r.exit_code, r.stdout) == (0, "")
    assert r.stderr == "termcrm remind: nothing overdue or due today\n"


def _run(run_termcrm, *args, **env):
    r = run_termcrm("remind", *args, env=env)
    assert r.returncode == 0
    return r


def test_missing_database_is_silent(run_termcrm, tmp_path):
    r = _run(run_termcrm, "--debug", TERMCRM_DB=str(tmp_path / "nope.db"))
    assert r.stdout == "" and r.stderr.startswith("termcrm remind: no database at")
    assert not (tmp_path / "nope.db").exists()  # remind never creates a database
    assert _run(run_termcrm).stdout == ""


def test_corrupt_database_is_silent(run_termcrm, tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database at all" * 100)
    r = _run(run_termcrm, "--debug", TERMCRM_DB=str(bad))
    assert r.stdout == "" and "not a termcrm database" in r.stderr
    assert _run(run_termcrm, TERMCRM_DB=str(bad)).stderr == ""


def test_newer_schema_is_silent(crm, due, db_path, run_termcrm):
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    r = _run(run_termcrm, "--always", "--debug")
    assert r.stdout == "" and "schema revision 9999" in r.stderr


def test_locked_database_is_silent(crm, due, store, db_path, run_termcrm):
    store.close()
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA locking_mode=EXCLUSIVE")  # with WAL, keeps every reader out
    conn.execute("BEGIN EXCLUSIVE")
    try:
        r = _run(run_termcrm, "--always", "--debug")
        assert r.stdout == "" and "locked" in r.stderr
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def test_an_unreachable_server_is_silent(run_termcrm):
    r = _run(run_termcrm, "--debug", TERMCRM_DB="postgresql+psycopg://u:secret@127.0.0.1:1/x")
    assert r.stdout == "" and "cannot connect" in r.stderr and "secret" not in r.stderr


def test_installed_script_reminds(crm, due, run_termcrm):
    r = _run(run_termcrm)
    assert r.stdout.splitlines()[0] == "termcrm: 2 overdue, 2 due today · run `termcrm today`"
    assert len(r.stdout.splitlines()) == 3
    assert _run(run_termcrm).stdout == ""
    assert _run(run_termcrm, "--always").stdout.startswith("termcrm: 2 overdue")
    assert "Usage: termcrm remind" in _run(run_termcrm, "--help").stdout


def test_fast_path_imports_no_heavy_library(crm, due):
    code = (
        "import sys, json; from termcrm.entry import main\n"
        "try:\n    main(['remind', '--always'])\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(json.dumps(sorted(sys.modules)))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.startswith("termcrm: 2 overdue")
    loaded = {m.split(".")[0] for m in json.loads(r.stderr)}
    assert not loaded & {"typer", "click", "sqlmodel", "sqlalchemy", "rich", "textual", "pydantic"}
    assert "platformdirs" not in loaded or not sys.platform.startswith("linux")


def test_paths_agree_with_termcrm_paths(monkeypatch, tmp_path):
    from termcrm import paths

    assert remind.data_dir() == str(paths.data_dir())
    assert remind.state_dir() == str(paths.state_dir())
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.delenv("XDG_STATE_HOME")
    assert remind.data_dir() == str(paths.data_dir())
    assert remind.state_dir() == str(paths.state_dir())
    monkeypatch.delenv("TERMCRM_DB")
    assert remind.db_file(None) == str(paths.default_db_path())
    assert remind.db_file(f"sqlite:///{tmp_path}/x.db") == f"{tmp_path}/x.db"


def test_stored_text_format_matches_bounds(crm, due, db_path):
    """The fast path compares text: the bounds must sort like SQLAlchemy's stored values."""
    with sqlite3.connect(db_path) as conn:
        stored = conn.execute("SELECT due_at FROM tasks ORDER BY id LIMIT 1").fetchone()[0]
    assert stored == "2026-11-15 23:00:00.000000"
    midnight = remind.local_midnight(__import__("datetime").date(2026, 11, 16))
    assert remind.sql_time(midnight) == "2026-11-15 23:00:00"
    assert stored >= remind.sql_time(midnight)


def test_long_titles_are_clipped_to_short_lines(crm):
    crm.ok("contact", "add", "Maximilian Alexander von Humboldt-Lovelace the Third")
    crm.ok("task", "add", "Prepare " + "the very long agenda " * 8, "--due", "2026-11-01",
           "--contact", "maximilian")  # fmt: skip
    lines = crm("remind").stdout.splitlines()
    assert len(lines) == 2
    assert all(len(line) <= 80 for line in lines)
    assert lines[1].startswith("  ! Prepare the very long agenda") and "…" in lines[1]
    assert lines[1].endswith(": 17 days late")
