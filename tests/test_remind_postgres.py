"""`termcrm remind` on a team's PostgreSQL CRM: the login's tasks, fast, silent on failure."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.postgres


@pytest.fixture
def team_db(crm, pg_db, monkeypatch):
    """A CRM with a member, grace_<hex>, who has tasks of her own; others have some too."""
    monkeypatch.delenv("TERMCRM_USER")
    grace = f"grace_{pg_db.hex}"
    owner = ["--db", pg_db.url()]
    crm.ok(*owner, "team", "add", grace, "--role", "member")
    as_grace = ["--db", pg_db.url(grace)]
    crm.ok(*as_grace, "contact", "add", "Zoë Ölstad")
    crm.ok(*as_grace, "task", "add", "Call back", "--contact", "1", "--due", "2026-11-16")
    crm.ok(*as_grace, "task", "add", "Prepare demo", "--due", "today")
    crm.ok(*owner, "task", "add", "The owner's own", "--due", "2026-11-10")
    return pg_db, grace


def test_remind_on_postgresql_shows_the_logins_tasks(team_db, run_termcrm):
    pg_db, grace = team_db
    r = run_termcrm("remind", env={"TERMCRM_DB": pg_db.url(grace), "TERMCRM_USER": ""})
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "termcrm: 1 overdue, 1 due today · run `termcrm today`",
        "  ! Call back (Zoë Ölstad): 2 days late",
        "  • Prepare demo: today",
    ]
    again = run_termcrm("remind", env={"TERMCRM_DB": pg_db.url(grace), "TERMCRM_USER": ""})
    assert again.stdout == ""  # once a day


def test_remind_without_sqlalchemy_typer_or_rich(team_db, monkeypatch, capsys):
    import sys

    from termcrm import remind

    pg_db, grace = team_db
    monkeypatch.setenv("TERMCRM_DB", pg_db.url(grace))
    heavy = ("sqlalchemy", "typer", "rich")
    before = {m for m in sys.modules if m.split(".")[0] in heavy}
    saved = {m: sys.modules.pop(m) for m in before}
    try:
        assert remind.main(["--always"]) == 0
        assert not {m for m in sys.modules if m.split(".")[0] in heavy}
    finally:
        sys.modules.update(saved)
    assert capsys.readouterr().out.startswith("termcrm: 1 overdue, 1 due today")


def test_remind_is_silent_when_the_server_fails(run_termcrm):
    for target in (
        "postgresql+psycopg://nobody:hunter2@127.0.0.1:1/crm",
        "postgresql+psycopg://postgres@127.0.0.1:5432/no_such_database_at_all",
    ):
        r = run_termcrm("remind", "--always", env={"TERMCRM_DB": target})
        assert (r.returncode, r.stdout, r.stderr) == (0, "", "")


def test_without_a_loadable_libpq_psycopg_gives_the_same_reminder(team_db, monkeypatch):
    from datetime import datetime

    from termcrm import remind, remind_pg
    from termcrm.store.revision import HEAD

    pg_db, grace = team_db
    uri = remind_pg.conninfo(pg_db.url(grace))
    now = datetime.fromisoformat("2026-11-18T10:00:00+01:00")

    def found():
        return remind_pg.gather(
            uri, now, head=HEAD, cap=remind.COUNT_CAP, local_midnight=remind.local_midnight
        )

    direct = found()
    monkeypatch.setattr(remind_pg, "_libpq", lambda: None)
    assert found() == direct
    assert (direct["overdue"], direct["due_today"]) == (1, 1)
