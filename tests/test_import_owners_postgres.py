"""Owners of imported rows: on PostgreSQL team members, by the rule of `contact add --owner`
(`services.team.owner_rule`); on SQLite free text. Each PostgreSQL test makes a throwaway
database and logins (`pg_db` in conftest.py) and is skipped when no server answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


class Team:
    """The database owner, an admin, and two members of a fresh CRM."""

    def __init__(self, crm, pg_db) -> None:
        self.crm, self.db = crm, pg_db
        h = pg_db.hex
        self.admin, self.alice, self.bob = f"adam_{h}", f"alice_{h}", f"bob_{h}"
        for name, role in ((self.admin, "admin"), (self.alice, "member"), (self.bob, "member")):
            self.crm.ok("--db", pg_db.url(), "team", "add", name, "--role", role)

    def __call__(self, login: str | None, *args):
        return self.crm("--db", self.db.url(login), *args)

    def json(self, login: str | None, *args):
        result = self(login, *args, "--json")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)

    def contacts(self) -> dict[str, str | None]:
        return {c["name"]: c["owner"] for c in self.json(None, "contact", "list")}


@pytest.fixture
def team(crm, pg_db, monkeypatch) -> Team:
    monkeypatch.delenv("TERMCRM_USER")
    return Team(crm, pg_db)


def _csv(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.postgres
def test_an_owner_who_is_not_on_the_team_is_a_bad_row(team, tmp_path):
    f = _csv(
        tmp_path,
        "people.csv",
        "Name,Email,Owner\n"
        f"Ada,ada@example.com,{team.alice}\n"
        f"Bea,bea@example.com,{team.bob.upper()}\n"
        "Cy,cy@example.com,mallory\n",
    )
    failed = team(team.alice, "import", "contacts", f)
    assert failed.exit_code == 2
    assert "line 4: Unknown owner 'mallory': on PostgreSQL owners are team members" in (
        failed.stderr
    )
    assert team.contacts() == {}

    report = team.json(team.alice, "import", "contacts", f, "--skip-bad")
    assert (report["created"], report["error_count"]) == (2, 1)
    # any letter case names the member; the login's own spelling is stored
    assert team.contacts() == {"Ada": team.alice, "Bea": team.bob}
    rejects = Path(report["rejects"]).read_text(encoding="utf-8")
    assert "Cy,cy@example.com,mallory,4,\"Unknown owner 'mallory': on PostgreSQL" in rejects


@pytest.mark.postgres
def test_other_record_kinds_check_their_owners_too(team, tmp_path):
    f = _csv(tmp_path, "companies.csv", f"Name,Owner\nAcme,{team.bob}\nInitech,mallory\n")
    failed = team(team.alice, "import", "companies", f)
    assert failed.exit_code == 2
    assert "line 3: Unknown owner 'mallory'" in failed.stderr
    assert team.json(None, "company", "list") == []


@pytest.mark.postgres
def test_rows_without_an_owner_column_are_the_importers(team, tmp_path):
    f = _csv(tmp_path, "plain.csv", "Name,Email\nAda,ada@example.com\n")
    team.json(team.alice, "import", "contacts", f)
    assert team.contacts() == {"Ada": team.alice}


@pytest.mark.postgres
def test_only_an_admin_imports_for_a_colleague(team, tmp_path):
    f = _csv(tmp_path, "plain.csv", "Name,Email\nAda,ada@example.com\n")
    refused = team(team.alice, "--user", team.bob, "import", "contacts", f)
    assert refused.exit_code == 2
    assert refused.stderr.startswith(
        f"Error: You are logged in to PostgreSQL as {team.alice}; --user/TERMCRM_USER cannot "
        f"name {team.bob}"
    )
    assert team.contacts() == {}
    team.json(team.admin, "--user", team.bob, "import", "contacts", f)
    assert team.contacts() == {"Ada": team.bob}


@pytest.mark.postgres
def test_a_member_cannot_update_a_colleagues_contact_by_import(team, tmp_path):
    team.json(team.bob, "contact", "add", "Ada", "--email", "ada@example.com", "--title", "CTO")
    f = _csv(tmp_path, "update.csv", "Name,Email,Title\nAda,ada@example.com,Intern\n")
    refused = team(team.alice, "import", "contacts", f, "--on-duplicate", "update")
    assert refused.exit_code == 2
    assert f'line 2: contact #1 "Ada" belongs to {team.bob}; only {team.bob} or an admin' in (
        refused.stderr
    )
    assert team.json(None, "contact", "show", "ada")["title"] == "CTO"
    # its owner and an admin may
    report = team.json(team.admin, "import", "contacts", f, "--on-duplicate", "update")
    assert report["updated"] == 1
    assert team.json(None, "contact", "show", "ada")["title"] == "Intern"


def test_on_sqlite_an_owner_is_free_text(crm, tmp_path):
    f = _csv(tmp_path, "people.csv", "Name,Owner\nAda,mallory\nBea,Ünal Aydın\n")
    assert crm.json("import", "contacts", f)["created"] == 2
    owners = {c["name"]: c["owner"] for c in crm.json("contact", "list")}
    assert owners == {"Ada": "mallory", "Bea": "Ünal Aydın"}
