"""`termcrm company ...`: tags and custom fields (the rules contacts have), the accent-folded
search, one length limit for add and edit; carried by export/import, `db copy` and the trash,
on SQLite and on PostgreSQL."""

from __future__ import annotations

import json

import pytest

HUGE = "x" * 201


@pytest.fixture
def zoe(crm):
    """A company with accents, two tags and two custom fields."""
    return crm.json(
        "company", "add", "Zoë Ölstad AB", "--tag", "vip", "--tag", "Ünal’s pick",
        "--field", "tier=gold", "--field", "region=EMEA",
    )  # fmt: skip


def test_add_with_tags_and_fields_shows_them_everywhere(crm, zoe):
    assert zoe["tags"] == ["vip", "Ünal’s pick"]
    assert zoe["fields"] == {"region": "EMEA", "tier": "gold"}
    shown = crm.ok("company", "show", "1")
    assert "  Tags: vip, Ünal’s pick\n" in shown
    assert "  region: EMEA\n" in shown and "  tier: gold\n" in shown
    assert crm.json("company", "show", "1")["fields"] == {"region": "EMEA", "tier": "gold"}
    listed = crm.json("company", "list")
    assert listed[0]["tags"] == ["vip", "Ünal’s pick"] and listed[0]["contacts"] == 0
    assert "vip, Ünal’s pick" in crm.ok("company", "list")


def test_edit_adds_removes_tags_in_any_case_and_sets_or_removes_fields(crm, zoe):
    data = crm.json(
        "company", "edit", "1", "--add-tag", "partner", "--remove-tag", "VIP",
        "--field", "tier=", "--field", "size=50",
    )  # fmt: skip
    assert data["tags"] == ["partner", "Ünal’s pick"]
    assert data["fields"] == {"region": "EMEA", "size": "50"}
    # a tag already there in another letter case is not added twice
    assert crm.json("company", "edit", "1", "--tag", "PARTNER")["tags"] == [
        "partner",
        "Ünal’s pick",
    ]


def test_list_filters_by_every_tag_given_in_any_case(crm, zoe):
    crm.ok("company", "add", "Analytical Engines", "--tag", "vip")
    crm.ok("company", "add", "Babbage & Co")
    assert [c["name"] for c in crm.json("company", "list", "--tag", "VIP")] == [
        "Analytical Engines",
        "Zoë Ölstad AB",
    ]
    both = crm.json("company", "list", "--tag", "vip", "--tag", "ünal’s pick")
    assert [c["name"] for c in both] == ["Zoë Ölstad AB"]
    assert crm.json("company", "list", "--tag", "nobody") == []


@pytest.mark.parametrize("typed", ["zoe", "ZOË", "olstad", "ölstad ab"])
def test_search_folds_case_and_accents_like_contacts(crm, zoe, typed):
    crm.ok("company", "add", "Other Ltd")
    assert [c["name"] for c in crm.json("company", "list", "--search", typed)] == ["Zoë Ölstad AB"]


def test_search_wildcards_are_literal(crm, zoe):
    assert crm.json("company", "list", "--search", "%") == []
    assert crm.json("company", "list", "--search", "_") == []


def test_every_bad_value_is_named_at_once_and_nothing_is_written(crm):
    result = crm("company", "add", "Bad", "--tag", " ", "--field", "=x", "--domain", HUGE)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Error: Domain is longer than 200 characters",
        "Error: A tag must not be empty",
        "Error: Invalid field '=x': use KEY=VALUE",
    ]
    assert crm.json("company", "list") == []


@pytest.mark.parametrize(("option", "limit"), [("--domain", 200), ("--industry", 100)])
def test_add_and_edit_share_one_length_limit(crm, option, limit):
    crm.ok("company", "add", "Fine", option, "y" * limit)
    crm.ok("company", "edit", "Fine", option, "z" * limit)
    for command in (("company", "add", "Other"), ("company", "edit", "Fine")):
        result = crm(*command, option, "y" * (limit + 1))
        assert result.exit_code == 2
        assert result.stderr == (
            f"Error: {option[2:].capitalize()} is longer than {limit} characters\n"
        )
    assert crm.json("company", "show", "Fine")[option[2:]] == "z" * limit


def test_hostile_tag_and_field_values_are_stored_as_typed_and_shown_neutralised(crm):
    data = crm.json("company", "add", "Evil", "--tag", "t\x1b]0;x\x07", "--field", "k=\x1b[2J")
    assert data["tags"] == ["t\x1b]0;x\x07"] and data["fields"] == {"k": "\x1b[2J"}
    shown = crm.ok("company", "show", "Evil")
    assert "\x1b" not in shown and "t␛]0;x␇" in shown


def test_trashed_company_keeps_its_tags_and_fields_on_restore(crm, zoe):
    crm.ok("company", "delete", "1", "--yes")
    assert crm.json("company", "list") == []
    crm.ok("trash", "restore", "1")
    back = crm.json("company", "show", "1")
    assert back["tags"] == zoe["tags"] and back["fields"] == zoe["fields"]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_and_import_carry_tags_and_fields(crm, zoe, tmp_path, monkeypatch, fmt):
    out = tmp_path / f"companies.{fmt}"
    crm.ok("export", "companies", "--format", fmt, "-o", str(out))
    monkeypatch.setenv("TERMCRM_DB", str(tmp_path / "other.db"))
    crm.ok("import", "companies", str(out))
    again = crm.json("company", "show", "Zoë Ölstad AB")
    assert again["tags"] == zoe["tags"] and again["fields"] == zoe["fields"]


def test_import_update_adds_the_files_tags_and_sets_its_fields(crm, zoe, tmp_path):
    src = tmp_path / "more.csv"
    src.write_text('name,tags,fields\nZoë Ölstad AB,new,"{""tier"": ""silver""}"\n')
    crm.ok("import", "companies", str(src), "--on-duplicate", "update")
    data = crm.json("company", "show", "1")
    assert data["tags"] == ["new", "vip", "Ünal’s pick"]
    assert data["fields"] == {"region": "EMEA", "tier": "silver"}


def test_db_copy_carries_tags_and_fields(crm, zoe, tmp_path):
    target = tmp_path / "copy.db"
    crm.ok("db", "copy", "--to", str(target))
    copied = crm.json("--db", str(target), "company", "show", "1")
    assert copied["tags"] == zoe["tags"] and copied["fields"] == zoe["fields"]


# -- PostgreSQL -------------------------------------------------------------------------------


@pytest.mark.postgres
def test_on_postgresql_tags_fields_search_and_the_trash(crm, pg_url, monkeypatch):
    monkeypatch.setenv("TERMCRM_DB", pg_url)
    crm.ok("company", "add", "Zoë Ölstad AB", "--tag", "vip", "--field", "tier=gold")
    crm.ok("company", "add", "Other", "--tag", "VIP")
    assert [c["name"] for c in crm.json("company", "list", "--search", "olstad")] == [
        "Zoë Ölstad AB"
    ]
    assert len(crm.json("company", "list", "--tag", "vip")) == 2
    crm.ok("company", "edit", "1", "--remove-tag", "Vip", "--add-tag", "partner")
    crm.ok("company", "delete", "1", "--yes")
    crm.ok("trash", "restore", "1")
    back = crm.json("company", "show", "1")
    assert back["tags"] == ["partner"] and back["fields"] == {"tier": "gold"}


@pytest.mark.postgres
def test_db_copy_to_postgresql_and_back_carries_tags_and_fields(crm, zoe, pg_url, tmp_path):
    crm.ok("db", "copy", "--to", pg_url)
    assert crm.json("--db", pg_url, "company", "show", "1")["tags"] == zoe["tags"]
    back = tmp_path / "back.db"
    crm.ok("--db", pg_url, "db", "copy", "--to", str(back))
    assert crm.json("--db", str(back), "company", "show", "1")["fields"] == zoe["fields"]


@pytest.mark.postgres
def test_a_member_cannot_change_a_colleagues_company_tags_even_in_raw_sql(crm, pg_db, monkeypatch):
    import psycopg
    from sqlalchemy.engine import make_url

    monkeypatch.delenv("TERMCRM_USER")
    alice, bob = f"alice_{pg_db.hex}", f"bob_{pg_db.hex}"
    for name in (alice, bob):
        crm.ok("--db", pg_db.url(), "team", "add", name, "--role", "member")
    crm.ok("--db", pg_db.url(alice), "company", "add", "Acme", "--tag", "vip", "--field", "a=1")
    refused = crm("--db", pg_db.url(bob), "company", "edit", "Acme", "--field", "a=2")
    assert refused.exit_code == 1
    assert f"belongs to {alice}" in refused.stderr
    url = make_url(pg_db.url(bob))
    with psycopg.connect(
        host=url.host, port=url.port, user=url.username, dbname=url.database, autocommit=True
    ) as conn:
        assert conn.execute("DELETE FROM company_tags").rowcount == 0
        assert conn.execute("UPDATE company_fields SET value = 'x'").rowcount == 0
        conn.execute("SELECT 1 FROM company_tags")  # everyone reads
    data = json.loads(crm.ok("--db", pg_db.url(alice), "company", "show", "Acme", "--json"))
    assert data["tags"] == ["vip"] and data["fields"] == {"a": "1"}
    crm.ok("--db", pg_db.url(alice), "company", "edit", "Acme", "--field", "a=3")
