"""Segment filters on `contact list` / `export contacts`, saved segments, bulk work through one."""

from __future__ import annotations

import csv
import io
import json

import pytest


@pytest.fixture
def book(crm, monkeypatch):
    """Six people with tags, fields, interactions at known times, deals, NPS and consents."""
    add = crm.ok
    add("contact", "add", "Ada Lovelace", "--tag", "vip", "--tag", "math", "--stage", "customer",
        "--owner", "sam", "--company", "Analytical", "--field", "tier=gold")  # fmt: skip
    add("contact", "add", "Zoë Ölstad", "--tag", "vip", "--stage", "lead", "--owner", "ana",
        "--company", "Fjord AS", "--field", "tier=Silver")  # fmt: skip
    add("contact", "add", "Ünal Kaya", "--tag", "math", "--stage", "lead", "--owner", "ana")
    add("contact", "add", "Grace Hopper", "--stage", "prospect", "--owner", "sam",
        "--company", "Navy")  # fmt: skip
    add("contact", "add", "Linus Torvalds", "--tag", "kernel", "--stage", "lead")
    add("contact", "add", "Empty Person")
    add("log", "call", "1", "Old talk", "--when", "2026-08-01")
    add("log", "call", "2", "Recent talk", "--when", "2026-11-15")
    add("log", "note", "3", "Old note", "--when", "2026-09-01")
    add("log", "email", "3", "Newer mail", "--when", "2026-11-10")
    add("log", "survey", "1", "--nps", "10", "--when", "2026-08-01")
    add("log", "survey", "2", "--nps", "9", "--when", "2026-11-01")
    add("log", "survey", "2", "--nps", "3", "--when", "2026-11-14")  # the latest counts
    add("log", "survey", "4", "--nps", "7", "--when", "2026-11-16")
    add("deal", "add", "Big", "--contact", "1", "--value", "9000")
    add("deal", "add", "Small", "--contact", "4", "--value", "100")
    add("deal", "add", "Won big", "--contact", "5", "--value", "50000", "--stage", "won")
    add("contact", "edit", "1", "--consent", "marketing=yes")
    add("contact", "edit", "2", "--consent", "marketing=no")
    add("contact", "edit", "4", "--consent", "marketing=yes")
    return crm


def names(crm, *args) -> list[str]:
    return [c["name"] for c in crm.json("contact", "list", *args)]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--tag", "vip"], ["Ada Lovelace", "Zoë Ölstad"]),
        (["--tag", "vip", "--tag", "math"], ["Ada Lovelace"]),
        (
            ["--any-tag", "kernel", "--any-tag", "MATH"],
            ["Ada Lovelace", "Linus Torvalds", "Ünal Kaya"],
        ),
        (
            ["--no-tag", "vip", "--no-tag", "math"],
            ["Empty Person", "Grace Hopper", "Linus Torvalds"],
        ),
        (["--stage", "lead", "--owner", "ana"], ["Zoë Ölstad", "Ünal Kaya"]),
        (["--company", "fjord as"], ["Zoë Ölstad"]),
        (["--field", "tier=silver"], ["Zoë Ölstad"]),
        (["--contacted-before", "2026-10-01"], ["Ada Lovelace"]),
        (["--contacted-after", "2026-11-12"], ["Grace Hopper", "Zoë Ölstad"]),
        (["--contacted-after", "7d"], ["Grace Hopper", "Zoë Ölstad"]),
        (["--never-contacted"], ["Empty Person", "Linus Torvalds"]),
        (["--has-open-deal"], ["Ada Lovelace", "Grace Hopper"]),
        (["--deal-value-above", "1000"], ["Ada Lovelace"]),
        (["--nps", "promoter"], ["Ada Lovelace"]),
        (["--nps", "detractor"], ["Zoë Ölstad"]),
        (["--nps", "passive"], ["Grace Hopper"]),
        (["--consent", "marketing"], ["Ada Lovelace", "Grace Hopper"]),
    ],
)
def test_each_filter(book, args, expected):
    assert sorted(names(book, *args)) == sorted(expected)


def test_bad_filter_values_are_usage_errors(book):
    for args, message in (
        (["--nps", "fan"], "Error: Unknown nps 'fan'"),
        (["--deal-value-above", "lots"], "Error: Invalid --deal-value-above 'lots'"),
        (["--contacted-before", "whenever"], "Error: Invalid --contacted-before 'whenever'"),
        (["--field", "novalue"], "Error:"),
    ):
        result = book("contact", "list", *args)
        assert result.exit_code == 2, args
        assert result.stderr.startswith(message), result.stderr
        assert "Traceback" not in result.output


def test_save_show_list_delete(book):
    saved = book.ok("segment", "save", "cold-leads", "--stage", "lead", "--contacted-before", "30d")
    assert saved == "Saved segment cold-leads: --contacted-before 30d --stage lead (0 now)\n"
    book.ok("segment", "save", "vips", "--tag", "vip", "--consent", "marketing")
    listed = book.json("segment", "list")
    assert [(s["name"], s["filters"]) for s in listed] == [
        ("cold-leads", "--contacted-before 30d --stage lead"),
        ("vips", "--consent marketing --tag vip"),
    ]
    members = book.json("segment", "show", "VIPS")
    assert [m["name"] for m in members] == ["Ada Lovelace"]
    rows = list(csv.DictReader(io.StringIO(book.ok("segment", "show", "vips", "--csv"))))
    assert [r["name"] for r in rows] == ["Ada Lovelace"]
    # members are evaluated now: tag Grace and she is in
    book.ok("contact", "edit", "4", "--tag", "vip")
    assert [m["name"] for m in book.json("segment", "show", "vips")] == [
        "Ada Lovelace",
        "Grace Hopper",
    ]
    # --segment on contact list, combined with other filters
    assert names(book, "--segment", "vips", "--owner", "sam", "--stage", "prospect") == [
        "Grace Hopper"
    ]
    assert book.ok("segment", "delete", "vips") == "Deleted segment vips\n"
    missing = book("contact", "list", "--segment", "vips")
    assert missing.exit_code == 1
    assert missing.stderr == "Error: No segment named 'vips' (see 'termcrm segment list')\n"


def test_a_relative_date_in_a_segment_is_evaluated_when_used(book, monkeypatch):
    book.ok("segment", "save", "recent", "--contacted-after", "5d")
    assert sorted(m["name"] for m in book.json("segment", "show", "recent")) == [
        "Grace Hopper",
        "Zoë Ölstad",
    ]
    monkeypatch.setenv("TERMCRM_NOW", "2026-12-30T10:00:00+01:00")
    assert book.json("segment", "show", "recent") == []


def test_saving_a_bad_segment_changes_nothing(book):
    result = book("segment", "save", "odd", "--nps", "fan")
    assert result.exit_code == 2
    assert book.json("segment", "list") == []


def test_export_contacts_with_filters_and_segment(book, tmp_path):
    book.ok("segment", "save", "vips", "--tag", "vip")
    out = tmp_path / "vips.json"
    book.ok("export", "contacts", "--segment", "vips", "--format", "json", "-o", str(out))
    assert [c["name"] for c in json.loads(out.read_text(encoding="utf-8"))] == [
        "Ada Lovelace",
        "Zoë Ölstad",
    ]
    rows = list(
        csv.DictReader(io.StringIO(book.ok("export", "contacts", "--consent", "marketing")))
    )
    assert [r["name"] for r in rows] == ["Ada Lovelace", "Grace Hopper"]


def test_bulk_edit_through_a_segment_counts_and_confirms(book):
    book.ok("segment", "save", "leads", "--stage", "lead")
    refused = book("contact", "edit", "--segment", "leads", "--add-tag", "nurture", input="n\n")
    assert refused.exit_code == 1
    assert "Change 4 contacts in segment leads?" in refused.stdout
    assert names(book, "--tag", "nurture") == []
    done = book("contact", "edit", "--segment", "leads", "--add-tag", "nurture", "--owner", "sam",
                "--yes")  # fmt: skip
    assert done.exit_code == 0, done.stderr
    assert done.stdout == "Updated 4 contacts in segment leads\n"
    assert sorted(names(book, "--tag", "nurture", "--owner", "sam")) == [
        "Empty Person",
        "Linus Torvalds",
        "Zoë Ölstad",
        "Ünal Kaya",
    ]
    both = book("contact", "edit", "1", "--segment", "leads", "--yes")
    assert both.exit_code == 2
    assert both.stderr.startswith("Error: Give a CONTACT or --segment, not both")
    personal = book("contact", "edit", "--segment", "leads", "--email", "x@example.com", "--yes")
    assert personal.exit_code == 2


def test_task_add_for_every_member_of_a_segment(book):
    book.ok("segment", "save", "vips", "--tag", "vip")
    result = book("task", "add", "Send the newsletter", "--segment", "vips", "--due", "tomorrow",
                  "--yes")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Added 2 tasks for segment vips\n"
    tasks = book.json("task", "list")
    assert sorted(t["contact"] for t in tasks) == ["Ada Lovelace", "Zoë Ölstad"]
    assert {t["due_date"] for t in tasks} == {"2026-11-19"}


def test_the_three_filtering_commands_share_one_set_of_filters(crm, tmp_path):
    """`contact list`, `export contacts` and `segment save` take the same filters (one bundle,
    `cli/_filters.py`) and find the same contacts with them."""
    crm.ok("contact", "add", "Zoë Ölstad", "--tag", "vip", "--stage", "customer")
    crm.ok("contact", "add", "Ada Lovelace", "--tag", "vip")
    crm.ok("contact", "add", "Grace Hopper", "--stage", "customer")
    filters = ("--tag", "VIP", "--stage", "customer", "--search", "zoe", "--owner", "tester")
    listed = [c["name"] for c in crm.json("contact", "list", *filters)]
    out = tmp_path / "x.json"
    crm.ok("export", "contacts", "--format", "json", "-o", str(out), *filters)
    exported = [c["name"] for c in json.loads(out.read_text())]
    crm.ok("segment", "save", "best", *filters)
    members = [c["name"] for c in crm.json("segment", "show", "best")]
    assert listed == exported == members == ["Zoë Ölstad"]
    mine = [c["name"] for c in crm.json("contact", "list", "--mine", "--tag", "vip")]
    assert mine == ["Ada Lovelace", "Zoë Ölstad"]
    both = crm("export", "contacts", "--mine", "--owner", "sam")
    assert both.exit_code == 2 and both.stderr == "Error: Use --mine or --owner, not both\n"
