"""Team mode: the same commands on PostgreSQL (skipped when no server answers)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.postgres


def test_core_commands_on_postgres(crm, pg_url):
    db = ["--db", pg_url]
    crm.ok(*db, "contact", "add", "Ada Lovelace", "--email", "ada@example.com", "--tag", "vip")
    dup = crm(*db, "contact", "add", "Other", "--email", "ADA@EXAMPLE.COM")
    assert dup.exit_code == 1
    assert (
        dup.stderr
        == "Error: A contact with email ada@example.com exists already: #1 Ada Lovelace\n"
    )
    crm.ok(*db, "log", "call", "ada", "Renewal talk", "--follow-up", "next fri")
    deal = crm.json(*db, "deal", "add", "Renewal", "--contact", "ada", "--value", "12000.50")
    assert deal["value"] == "12000.50"
    assert crm.json(*db, "deal", "won", str(deal["id"]))["closed_at"] == "2026-11-18T09:00:00+00:00"
    shown = crm.json(*db, "contact", "show", "lovelace")
    assert shown["tags"] == ["vip"]
    assert shown["interactions"][0]["occurred_at"] == "2026-11-18T09:00:00+00:00"
    assert shown["tasks"][0]["due_date"] == "2026-11-20"
    assert crm.json(*db, "contact", "list", "--search", "VIP")[0]["name"] == "Ada Lovelace"
    report = crm.json(*db, "db", "check")
    assert report["ok"] and report["dialect"] == "postgresql"


def test_demo_on_postgres(crm, pg_url):
    summary = crm.json("--db", pg_url, "demo")
    assert len(crm.json("--db", pg_url, "contact", "list")) == summary["contacts"]


def test_password_is_not_printed(crm, pg_url):
    bad = pg_url.replace("postgres@", "postgres:hunter2@").replace("5432", "1")
    result = crm("--db", bad, "contact", "list")
    assert result.exit_code == 1
    assert "hunter2" not in result.output
