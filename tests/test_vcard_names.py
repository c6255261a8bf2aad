"""Structured names: the parts of a name (vCard N) kept beside the display name."""

from __future__ import annotations

import sqlite3

import pytest
import vobject
from store_helpers import database_at

from termcrm.services import names


def _card(vcf: str, fn: str):
    """The card of `vcf` whose FN is `fn`, parsed by vobject."""
    cards = {c.fn.value: c for c in vobject.readComponents(vcf)}
    return cards[fn]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Dr. Mark Schröder II", ("Dr.", "Mark", None, "Schröder", "II")),
        ("Schröder, Mark", (None, "Mark", None, "Schröder", None)),
        ("Mark Schröder, PhD", (None, "Mark", None, "Schröder", "PhD")),
        ("Ludwig van Beethoven", (None, "Ludwig", None, "van Beethoven", None)),
        ("Mary Ann de la Cruz", (None, "Mary", "Ann", "de la Cruz", None)),
        ("최유림", (None, "최유림", None, None, None)),
        ("Madonna", (None, "Madonna", None, None, None)),
        ("ada@example.org", (None, None, None, None, None)),  # named from an email
        ("+49 30 1234", (None, None, None, None, None)),  # named from a phone
        ("", (None, None, None, None, None)),
        ("  Ada   Lovelace  ", (None, "Ada", None, "Lovelace", None)),
    ],
)
def test_parts_derived_from_a_display_name(name, expected):
    parts = names.derive(name)
    assert tuple(parts[k] for k in names.PARTS) == expected


def test_a_suffix_is_never_the_family_name(crm):
    """The bug this fixes: "Dr. Mark Schröder II" exported with a family name of "II"."""
    crm.ok("contact", "add", "Dr. Mark Schröder II")
    card = _card(crm.ok("export", "contacts", "--format", "vcf"), "Dr. Mark Schröder II")
    assert card.n.serialize().strip() == "N:Schröder;Mark;;Dr.;II"


def test_parts_given_on_the_command_line_are_kept_and_exported(crm):
    added = crm.json(
        "contact", "add", "--prefix", "Dr.", "--first", "Mark", "--last", "Schröder",
        "--suffix", "II", "--email", "mark@example.org",
    )  # fmt: skip
    # the display name is made from the parts; the prefix stays out of it
    assert added["name"] == "Mark Schröder II"
    shown = crm.json("contact", "show", "mark")
    assert (
        shown["name_prefix"],
        shown["first_name"],
        shown["middle_name"],
        shown["last_name"],
        shown["name_suffix"],
    ) == ("Dr.", "Mark", None, "Schröder", "II")
    vcf = crm.ok("export", "contacts", "--format", "vcf")
    assert "N:Schröder;Mark;;Dr.;II" in vcf.splitlines()
    assert "X-TERMCRM-N" not in vcf  # the parts were given, not derived


def test_given_and_family_are_aliases_and_a_name_wins(crm):
    added = crm.json("contact", "add", "Yuki T.", "--given", "Yuki", "--family", "Tanaka")
    assert (added["name"], added["first_name"], added["last_name"]) == ("Yuki T.", "Yuki", "Tanaka")


def test_add_without_anything_to_name_a_contact_by_is_a_usage_error(crm):
    r = crm("contact", "add", "--title", "CTO")
    assert r.exit_code == 2
    assert r.stderr == (
        "Error: Missing argument 'NAME' (or give the name's parts: --first, --last; or an "
        "--email, --company or --phone to name the contact by)\n"
    )
    assert crm.json("contact", "list") == []
    # without a name or parts, the email names the contact (the import's rule)
    assert crm.json("contact", "add", "--email", "x@example.org")["name"] == "x@example.org"


def test_editing_a_part_renames_a_contact_whose_name_followed_its_parts(crm):
    crm.ok("contact", "add", "Ada Lovelace")
    edited = crm.json("contact", "edit", "ada", "--last", "King")
    assert (edited["name"], edited["first_name"], edited["last_name"]) == (
        "Ada King",
        "Ada",
        "King",
    )
    # a display name of its own is kept
    crm.ok("contact", "add", "Lovelace, Ada (Countess)", "--first", "Ada", "--last", "Lovelace")
    edited = crm.json("contact", "edit", "countess", "--middle", "Augusta")
    assert edited["name"] == "Lovelace, Ada (Countess)"
    assert edited["middle_name"] == "Augusta"


def test_renaming_rederives_parts_that_followed_the_name_and_an_empty_part_clears(crm):
    crm.ok("contact", "add", "--first", "Grace", "--last", "Murray")
    edited = crm.json("contact", "edit", "grace", "--name", "Grace Hopper")
    assert (edited["first_name"], edited["last_name"]) == ("Grace", "Hopper")
    edited = crm.json("contact", "edit", "grace", "--prefix", "Rear Adm.")
    assert edited["name"] == "Grace Hopper"  # the prefix stays out of the display name
    edited = crm.json("contact", "edit", "grace", "--prefix", "")
    assert edited["name_prefix"] is None


def test_a_new_name_with_some_parts_reads_the_others_from_the_new_name(crm):
    crm.ok("contact", "add", "Ada Lovelace")
    edited = crm.json("contact", "edit", "ada", "--name", "Grace Hopper", "--middle", "Brewster")
    assert (edited["first_name"], edited["middle_name"], edited["last_name"]) == (
        "Grace",
        "Brewster",
        "Hopper",
    )
    assert edited["name"] == "Grace Hopper"
    crm.ok("contact", "add", "Alan Turing")
    edited = crm.json("contact", "edit", "alan", "--name", "A. M. Turing")
    assert edited["first_name"] is None  # no parts before, none given: none invented


def test_hostile_parts_are_refused_with_one_line_and_change_nothing(crm):
    r = crm("contact", "add", "--first", "x" * 101)
    assert r.exit_code == 2
    assert r.stderr == "Error: First name is longer than 100 characters\n"
    r = crm("contact", "add", "--first", "A\x00da")
    assert r.exit_code == 2 and r.stderr == "Error: First name contains a NUL character\n"
    assert crm.json("contact", "list") == []
    crm.ok("contact", "add", "Ada Lovelace")
    r = crm("contact", "edit", "ada", "--last", "y" * 101)
    assert r.exit_code == 2
    assert crm.json("contact", "show", "ada")["last_name"] is None


def test_control_characters_in_parts_are_stored_and_neutralised_on_screen(crm):
    crm.ok("contact", "add", "Eve", "--first", "Eve\x1b[31m", "--last", "Ünïcödé")
    shown = crm.json("contact", "show", "eve")
    assert shown["first_name"] == "Eve\x1b[31m"  # JSON keeps the exact text
    card = crm.ok("contact", "show", "eve")
    assert "\x1b" not in card and "Ünïcödé" in card


def test_contact_show_lists_the_parts(crm):
    crm.ok("contact", "add", "--prefix", "Dr.", "--first", "Mark", "--last", "Schröder")
    card = crm.ok("contact", "show", "mark")
    assert "Prefix" in card and "Dr." in card and "Last name" in card and "Schröder" in card


def test_segment_edit_refuses_name_parts(crm):
    crm.ok("contact", "add", "Ada Lovelace", "--tag", "x")
    crm.ok("segment", "save", "xs", "--tag", "x")
    r = crm("contact", "edit", "--segment", "xs", "--last", "King", "--yes")
    assert r.exit_code == 2 and "--last belong(s) to one person" in r.stderr


def test_parts_travel_through_termcrm_csv_and_json(crm, tmp_path):
    crm.ok("contact", "add", "--prefix", "Dr.", "--first", "Mark", "--last", "Schröder")
    crm.ok("contact", "add", "Ada Lovelace")
    for fmt in ("csv", "json"):
        f = tmp_path / f"c.{fmt}"
        f.write_text(crm.ok("export", "contacts", "--format", fmt), encoding="utf-8")
        other = tmp_path / f"{fmt}.db"
        crm.ok("--db", other, "import", "contacts", f)
        assert crm.json("--db", other, "contact", "list") == crm.json("contact", "list")


def test_other_tools_csv_name_columns_make_the_name_as_before(crm, tmp_path):
    """Other tools' CSVs: the name columns make the display name (the CSV path is not
    slowed by storing parts); the vCard export reads the parts back from that name."""
    f = tmp_path / "people.csv"
    f.write_text(
        "First Name,Middle Name,Last Name,Name Prefix,Name Suffix,E-mail Address\n"
        "Mark,,Schröder,Dr.,II,mark@example.org\n",
        encoding="utf-8",
    )
    crm.ok("import", "contacts", f)
    (c,) = crm.json("contact", "list")
    assert c["name"] == "Mark Schröder II"
    assert (c["first_name"], c["name_suffix"]) == (None, None)
    assert c["fields"] == {"Name Prefix": "Dr."}
    assert "N:Schröder;Mark;;;II" in crm.ok("export", "contacts", "--format", "vcf").splitlines()


def test_map_still_accepts_the_old_suffix_target(crm, tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("First Name,Last Name,gen\nMark,Schröder,Jr.\n", encoding="utf-8")
    crm.ok("import", "contacts", f, "--map", "gen=suffix")
    assert crm.json("contact", "list")[0]["name"] == "Mark Schröder Jr."


def test_migration_0011_upgrades_a_0010_database(db_path):
    """A database at 0010 gets the name and UID columns; its contacts keep everything."""
    from termcrm.store.engine import open_store

    database_at(
        db_path,
        "0010",
        "insert into contacts (id, name, email, stage, created_at, updated_at) values "
        "(1, 'Dr. Mark Schröder II', 'mark@example.org', 'customer', "
        "'2026-01-01 00:00:00', '2026-01-01 00:00:00')",
    )
    before = {r[1] for r in sqlite3.connect(db_path).execute("pragma table_info(contacts)")}
    assert "first_name" not in before
    open_store(str(db_path)).close()  # migrates to the head on open
    con = sqlite3.connect(db_path)
    after = {r[1] for r in con.execute("pragma table_info(contacts)")}
    assert {"first_name", "middle_name", "last_name", "name_prefix", "name_suffix", "uid"} <= after
    assert con.execute("select name, email, first_name, uid from contacts").fetchall() == [
        ("Dr. Mark Schröder II", "mark@example.org", None, None)
    ]
    from termcrm.store.revision import HEAD

    assert con.execute("select version_num from alembic_version").fetchone() == (HEAD,)


@pytest.mark.parametrize(
    "value", ["Ada", " Ada ", "x" * 100, "x" * 101, "A\x00da", "Zoë", "", "\udcff"]
)
def test_the_fast_path_of_clean_is_validate_text(value):
    """`names.clean` skips `validate.text` for clean ASCII parts: pinned to it here."""
    from termcrm.errors import Invalid
    from termcrm.services import validate

    try:
        expected = validate.text(value, "first name", max_len=100)
    except Invalid as exc:
        with pytest.raises(Invalid, match=exc.message.replace("(", r"\(").replace(")", r"\)")):
            names.clean({"first_name": value})
        return
    assert names.clean({"first_name": value})["first_name"] == expected
