"""Duplicates, merge, trash and erasure on PostgreSQL (skipped when no server answers)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.postgres


def test_dupes_merge_trash_and_forget_on_postgres(crm, pg_url):
    db = ["--db", pg_url]
    crm.ok(*db, "contact", "add", "Zoë Ölstad", "--email", "zoe.olstad@gmail.com", "--tag", "vip")
    crm.ok(*db, "contact", "add", "Zoe Olstad", "--email", "ZOEOLSTAD+x@gmail.com")
    crm.ok(*db, "log", "call", "2", "Called")
    assert [(p["keep_id"], p["other_id"]) for p in crm.json(*db, "contact", "dupes")] == [(1, 2)]
    crm.ok(*db, "contact", "merge", "1", "2", "--yes")
    assert len(crm.json(*db, "contact", "show", "1")["interactions"]) == 1
    crm.ok(*db, "deal", "add", "Skis for Zoë", "--contact", "1", "--value", "10")
    crm.ok(*db, "contact", "delete", "1", "--yes")
    assert crm.json(*db, "contact", "list") == []
    crm.ok(*db, "trash", "restore", "1")
    assert crm.json(*db, "contact", "show", "1")["tags"] == ["vip"]
    crm.ok(*db, "contact", "add", "Next One")  # the id sequence moved past restored ids
    result = crm(*db, "contact", "forget", "1", "--yes")
    assert result.exit_code == 0, result.stderr
    assert [d["title"] for d in crm.json(*db, "deal", "list")] == ["Skis for [erased]"]
    assert [c["name"] for c in crm.json(*db, "contact", "list")] == ["Next One"]
