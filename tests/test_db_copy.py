"""`termcrm db copy`: the demo CRM to PostgreSQL and back, unchanged."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.postgres

LISTS = [
    ("contact", "list"),
    ("company", "list"),
    ("deal", "list"),
    ("task", "list", "--all"),
    ("case", "list"),
    ("interactions",),
    ("history",),
    ("report",),
    ("today",),
    ("pipeline",),
]


def everything(crm, *db: str) -> dict:
    return {" ".join(cmd): crm.json(*db, *cmd) for cmd in LISTS}


def test_the_demo_goes_to_postgresql_and_back_unchanged(crm, pg_url, crm_env):
    crm.ok("demo")
    before = everything(crm)
    assert before["deal list"] and before["history"]

    copied = crm.json("db", "copy", "--to", pg_url)
    counts = {t["table"]: t["rows"] for t in copied}
    assert counts["contacts"] == len(before["contact list"])
    assert counts["deal_stage_changes"] > 0 and counts["audit_log"] > 0
    assert everything(crm, "--db", pg_url) == before

    # ids go on after the copied ones
    added = crm.json("--db", pg_url, "contact", "add", "Ünal Aydın")
    assert added["id"] == max(c["id"] for c in before["contact list"]) + 1

    # and back: the SQLite copy answers exactly as the server does, trail included
    back = crm_env / "back.db"
    crm.json("--db", pg_url, "db", "copy", "--to", str(back))
    assert everything(crm, "--db", str(back)) == everything(crm, "--db", pg_url)


def test_a_target_with_data_is_refused_unless_replace(crm, pg_url):
    crm.ok("contact", "add", "Ada Lovelace")
    crm.ok("--db", pg_url, "contact", "add", "Grace Hopper")
    refused = crm("db", "copy", "--to", pg_url)
    assert refused.exit_code == 1
    assert refused.stderr.endswith("holds data already; --replace overwrites it\n")
    assert [c["name"] for c in crm.json("--db", pg_url, "contact", "list")] == ["Grace Hopper"]

    crm.ok("db", "copy", "--to", pg_url, "--replace")
    assert [c["name"] for c in crm.json("--db", pg_url, "contact", "list")] == ["Ada Lovelace"]


def test_copy_errors_never_show_the_password(crm):
    crm.ok("contact", "add", "Ada Lovelace")
    r = crm("db", "copy", "--to", "postgresql+psycopg://crm:s3cr3t-pw@127.0.0.1:1/crm")
    assert r.exit_code == 1
    assert "s3cr3t" not in r.output
    assert len(r.stderr.splitlines()) == 1
