"""`db check`, `db backup` and `db restore` on PostgreSQL; SQLite on a network filesystem."""

from __future__ import annotations

import os
import stat

import pytest


@pytest.mark.postgres
def test_db_check_on_postgresql_checks_roles_grants_policies_and_orphans(crm, pg_db, monkeypatch):
    monkeypatch.delenv("TERMCRM_USER")  # the login acts
    db = ["--db", pg_db.url()]
    crm.ok(*db, "contact", "add", "Ada Lovelace")
    assert crm.json(*db, "db", "check")["problems"] == []

    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(pg_db.url())
    with psycopg.connect(
        host=url.host, port=url.port, user=url.username, dbname=url.database, autocommit=True
    ) as conn:
        conn.execute("DROP POLICY termcrm_change ON deals")
        conn.execute(f'REVOKE SELECT ON cases FROM "{pg_db.database}_viewer"')
        conn.execute("ALTER TABLE tasks DROP CONSTRAINT tasks_contact_id_fkey")
        conn.execute(
            "INSERT INTO tasks (title, due_has_time, priority, contact_id, created_at, "
            "updated_at) VALUES ('orphan', false, 'normal', 999, now(), now())"
        )
    result = crm(*db, "db", "check")
    assert result.exit_code == 1
    assert "Problem:  policy termcrm_change is missing on deals" in result.stdout
    assert f"Problem:  {pg_db.database}_viewer may not read cases" in result.stdout
    assert "Problem:  1 tasks rows refer to a missing contacts row" in result.stdout


@pytest.mark.postgres
def test_backup_and_restore_with_pg_dump(crm, pg_url, crm_env):
    db = ["--db", pg_url.replace("postgres@", "postgres:not-a-real-pw@")]
    crm.ok(*db, "contact", "add", "Zoë Ölstad")
    dest = crm_env / "crm.dump"
    out = crm(*db, "db", "backup", str(dest))
    assert out.exit_code == 0, out.stderr
    assert "not-a-real-pw" not in out.output
    assert stat.S_IMODE(os.stat(dest).st_mode) == 0o600
    assert dest.read_bytes().startswith(b"PGDMP")

    crm.ok(*db, "contact", "delete", "1", "--yes")
    crm.ok(*db, "db", "restore", str(dest), "--yes")
    assert [c["name"] for c in crm.json(*db, "contact", "list")] == ["Zoë Ölstad"]
    assert crm.json(*db, "db", "check")["ok"]


@pytest.mark.postgres
def test_backup_says_how_to_install_pg_dump(crm, pg_url, crm_env, monkeypatch):
    monkeypatch.setenv("PATH", str(crm_env))
    result = crm("--db", pg_url, "db", "backup", str(crm_env / "x.dump"))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: pg_dump is not on PATH: install PostgreSQL's client")
    assert not (crm_env / "x.dump").exists()


def test_sqlite_backup_restores(crm, crm_env):
    crm.ok("contact", "add", "Ada Lovelace")
    crm.ok("db", "backup", str(crm_env / "b.db"))
    crm.ok("contact", "add", "Grace Hopper")
    crm.ok("db", "restore", str(crm_env / "b.db"), "--yes")
    assert [c["name"] for c in crm.json("contact", "list")] == ["Ada Lovelace"]


def test_sqlite_on_a_network_filesystem_warns(crm, crm_env, monkeypatch):
    from termcrm import paths

    mounts = crm_env / "mounts"
    mounts.write_text(
        f"/dev/sda1 / ext4 rw 0 0\nserver:/export {crm_env} nfs4 rw,relatime 0 0\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(paths, "MOUNTS", str(mounts))
    result = crm("contact", "list")
    assert result.exit_code == 0
    assert result.stderr.startswith(
        f"Warning: {crm_env / 'crm.db'} is on a network filesystem (nfs4)"
    )
    assert "PostgreSQL" in result.stderr

    mounts.write_text(f"/dev/sdb1 {crm_env} ext4 rw 0 0\n", encoding="utf-8")
    assert "Warning" not in crm("contact", "list").stderr


@pytest.mark.postgres
def test_wrong_credentials_and_unreachable_server_are_one_line(crm, pg_server):
    unreachable = "postgresql+psycopg://crm:pa55-word@127.0.0.1:1/crm"
    wrong = pg_server.url(f"nobody_{pg_server.hex}").replace("@", ":pa55-word@", 1)
    for target in (unreachable, wrong):
        r = crm("--db", target, "contact", "list")
        assert r.exit_code == 1
        assert "pa55" not in r.output
        assert len(r.stderr.splitlines()) == 1 and r.stderr.startswith("Error: ")
