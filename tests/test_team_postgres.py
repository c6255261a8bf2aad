"""Team mode on PostgreSQL: logins, roles, and permissions the database itself enforces.

Each test gets a throwaway database `crm_<hex>` and logins carrying the same `<hex>` (roles
are cluster-wide); both are dropped afterwards (`pg_db` in conftest.py).
"""

from __future__ import annotations

import json

import psycopg
import pytest

pytestmark = pytest.mark.postgres


class Team:
    """The database owner's CRM, and the logins it adds: admin, two members, a viewer."""

    def __init__(self, crm, pg_db) -> None:
        self.crm, self.db = crm, pg_db
        h = pg_db.hex
        self.admin, self.alice, self.bob, self.vera = (
            f"adam_{h}",
            f"alice_{h}",
            f"Zoë Ölstad_{h}",
            f"vera_{h}",
        )
        for name, role in (
            (self.admin, "admin"),
            (self.alice, "member"),
            (self.bob, "member"),
            (self.vera, "viewer"),
        ):
            self.crm.ok("--db", pg_db.url(), "team", "add", name, "--role", role)

    def __call__(self, login: str | None, *args: str):
        return self.crm("--db", self.db.url(login), *args)

    def ok(self, login: str | None, *args: str) -> str:
        result = self(login, *args)
        assert result.exit_code == 0, result.stderr
        return result.stdout

    def json(self, login: str | None, *args: str):
        return json.loads(self.ok(login, *args, "--json"))

    def sql(self, login: str | None):
        """A raw psycopg session as `login` (autocommit)."""
        from sqlalchemy.engine import make_url

        url = make_url(self.db.url(login))
        return psycopg.connect(
            host=url.host, port=url.port, user=url.username, dbname=url.database, autocommit=True
        )


@pytest.fixture
def team(crm, pg_db, monkeypatch) -> Team:
    monkeypatch.delenv("TERMCRM_USER")
    return Team(crm, pg_db)


def test_the_migration_makes_three_roles_named_after_the_database(team):
    with team.sql(None) as conn:
        names = {
            r[0]
            for r in conn.execute(
                "SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (f"{team.db.database}_%",)
            )
        }
    assert names == {f"{team.db.database}_{r}" for r in ("admin", "member", "viewer")}


def test_team_list_shows_each_login_its_role_and_records_owned(team):
    team.ok(team.alice, "contact", "add", "Ünal Aydın")
    listed = {m["name"]: m for m in team.json(None, "team", "list")}
    assert listed[team.alice] == {"name": team.alice, "role": "member", "records": 1}
    assert listed[team.bob]["role"] == "member"
    assert listed[team.vera]["role"] == "viewer"
    assert listed[team.admin]["role"] == "admin"


def test_a_member_cannot_change_a_colleagues_deal_through_termcrm_or_raw_sql(team):
    team.ok(team.alice, "contact", "add", "Ada Lovelace")
    deal = team.json(team.alice, "deal", "add", "Renewal", "--contact", "ada", "--value", "500")
    assert deal["owner"] == team.alice

    refused = team(team.bob, "deal", "won", str(deal["id"]))
    assert refused.exit_code == 1
    assert refused.stderr == (
        f'Error: deal #{deal["id"]} "Renewal" belongs to {team.alice}; '
        f"only {team.alice} or an admin may change it\n"
    )
    deleted = team(team.bob, "contact", "delete", "ada", "--yes")
    assert deleted.exit_code == 1
    assert f"belongs to {team.alice}" in deleted.stderr

    with team.sql(team.bob) as conn:
        cur = conn.execute("UPDATE deals SET stage = 'won' WHERE id = %s", (deal["id"],))
        assert cur.rowcount == 0
        assert conn.execute("DELETE FROM contacts").rowcount == 0
    assert team.json(team.bob, "deal", "show", str(deal["id"]))["stage"] == "lead"

    # its owner and an admin may
    team.ok(team.alice, "deal", "move", str(deal["id"]), "proposal")
    assert team.json(team.admin, "deal", "won", str(deal["id"]))["stage"] == "won"


def test_members_change_what_has_no_owner(team):
    with team.sql(None) as conn:
        conn.execute(
            "INSERT INTO contacts (name, stage, created_at, updated_at) "
            "VALUES ('Nobody''s', 'lead', now(), now())"
        )
    team.ok(team.bob, "contact", "edit", "nobody", "--stage", "customer")
    assert team.json(team.bob, "contact", "show", "nobody")["stage"] == "customer"


def test_a_viewer_reads_and_cannot_write(team):
    team.ok(team.alice, "contact", "add", "Ada Lovelace")
    assert [c["name"] for c in team.json(team.vera, "contact", "list")] == ["Ada Lovelace"]
    refused = team(team.vera, "contact", "add", "Grace Hopper")
    assert refused.exit_code == 1
    assert (
        refused.stderr
        == f"Error: {team.vera} is a viewer of this CRM: viewers read, they change nothing\n"
    )
    with team.sql(team.vera) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(
            "INSERT INTO contacts (name, stage, created_at, updated_at) "
            "VALUES ('x', 'lead', now(), now())"
        )
    assert len(team.json(None, "contact", "list")) == 1


def test_user_naming_someone_else_is_refused_unless_an_admin_acts_for_them(team):
    refused = team(team.bob, "--user", team.alice, "contact", "list")
    assert refused.exit_code == 2
    assert refused.stderr.startswith(f"Error: You are logged in to PostgreSQL as {team.bob};")
    # the same name as the login is fine
    team.ok(team.bob, "--user", team.bob, "contact", "list")

    # an admin importing for a colleague: the records are the colleague's, the trail names
    # the login that really made them
    added = team.json(team.admin, "--user", team.alice, "contact", "add", "Ada Lovelace")
    assert added["owner"] == team.alice
    trail = team.json(team.vera, "history", "ada")
    assert [(e["user"], e["action"]) for e in trail] == [(team.admin, "create")]


def test_history_names_the_login_even_when_termcrm_user_says_otherwise(team, monkeypatch):
    team.ok(team.alice, "contact", "add", "Ada Lovelace")
    deal = team.json(team.alice, "deal", "add", "Renewal", "--contact", "ada", "--value", "5")
    monkeypatch.setenv("TERMCRM_USER", team.bob)  # a lie an admin may tell, for imports
    team.ok(team.admin, "deal", "won", str(deal["id"]))
    trail = team.json(team.bob, "history", "--deal", str(deal["id"]))
    assert [(e["user"], e["action"]) for e in trail] == [
        (team.admin, "change"),
        (team.alice, "create"),
    ]
    assert trail[0]["changes"]["stage"] == {"old": "lead", "new": "won"}


def test_members_read_the_trail_and_cannot_change_it(team):
    team.ok(team.alice, "contact", "add", "Ada Lovelace")
    with team.sql(team.alice) as conn:
        assert conn.execute("SELECT count(*) FROM audit_log").fetchone() == (1,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM audit_log")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE audit_log SET actor = 'someone'")


def test_team_role_and_remove_with_reassignment(team):
    team.ok(team.alice, "contact", "add", "Ada Lovelace")
    team.ok(team.alice, "task", "add", "Call Ada", "--contact", "ada")
    team.ok(team.admin, "team", "role", team.vera, "member")
    assert {m["name"]: m["role"] for m in team.json(None, "team", "list")}[team.vera] == "member"

    # an admin manages the team too
    out = team.ok(team.admin, "team", "remove", team.alice, "--reassign-to", team.bob)
    assert out == f"Removed {team.alice}; 2 records now belong to {team.bob}.\n"
    assert team.json(None, "contact", "show", "ada")["owner"] == team.bob
    with team.sql(None) as conn:
        gone = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (team.alice,))
        assert gone.fetchone() is None


def test_only_admins_manage_the_team_and_bad_input_is_refused(team):
    refused = team(team.bob, "team", "add", f"eve_{team.db.hex}", "--role", "admin")
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"Error: {team.bob} is not an admin of this CRM; only admins manage the team\n"
    )
    bad_role = team(None, "team", "add", f"eve_{team.db.hex}", "--role", "boss")
    assert bad_role.exit_code == 2
    assert bad_role.stderr == "Error: Unknown role 'boss'; choose admin, member or viewer\n"
    control = team(None, "team", "add", f"ev\x1be_{team.db.hex}", "--role", "member")
    assert control.exit_code == 2
    not_member = team(None, "team", "remove", team.alice, "--reassign-to", "nobody")
    assert not_member.exit_code == 1


def test_a_password_is_asked_for_never_echoed_and_stored_hashed(team):
    name = f"carol_{team.db.hex}"
    result = team.crm(
        "--db",
        team.db.url(),
        "team",
        "add",
        name,
        "--role",
        "member",
        "--password",
        input="S3cret-Ünïcode\nS3cret-Ünïcode\n",
    )
    assert result.exit_code == 0, result.stderr
    assert "S3cret" not in result.output
    with team.sql(None) as conn:
        (stored,) = conn.execute(
            "SELECT rolpassword FROM pg_authid WHERE rolname = %s", (name,)
        ).fetchone()
    assert stored.startswith("SCRAM-SHA-256$4096:")
    assert "S3cret" not in stored


def test_the_password_can_come_from_the_environment(team, run_termcrm):
    name = f"dora_{team.db.hex}"
    r = run_termcrm(
        "--db",
        team.db.url(),
        "team",
        "add",
        name,
        "--role",
        "viewer",
        "--password",
        env={"TERMCRM_PASSWORD": "hunter2-pw", "TERMCRM_USER": ""},
    )
    assert r.returncode == 0, r.stderr
    assert "hunter2" not in r.stdout + r.stderr
    with team.sql(None) as conn:
        (stored,) = conn.execute(
            "SELECT rolpassword FROM pg_authid WHERE rolname = %s", (name,)
        ).fetchone()
    assert stored.startswith("SCRAM-SHA-256$")


def test_team_commands_on_sqlite_say_they_need_postgresql(crm):
    result = crm("team", "list")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Team commands need PostgreSQL")
