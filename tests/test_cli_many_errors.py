"""Several invalid inputs in one command: every one is named at once, a line each (exit 2),
and nothing is written (issue #13, "all invalid fields marked at once")."""

from __future__ import annotations

import pytest

CASES = [
    (
        ("contact", "add", "Zoë", "--email", "zoë@", "--cadence", "soon", "--stage", "vip",
         "--field", "=x"),
        ["Error: Invalid email 'zoë@'", "Error: Unknown stage 'vip'",
         "Error: Invalid cadence 'soon'", "Error: Invalid field '=x'"],
    ),
    (
        ("contact", "edit", "ada", "--email", "nope", "--cadence", "99999"),
        ["Error: Invalid email 'nope'", "Error: Invalid cadence '99999'"],
    ),
    (
        ("task", "add", " ", "--due", "blorf", "--priority", "asap", "--recur", "sometimes"),
        ["Error: Title must not be empty", "Error: Cannot read 'blorf' as a date (due)",
         "Error: Unknown priority 'asap'", "Error: Invalid recurrence 'sometimes'"],
    ),
    (
        ("deal", "add", "Renewal", "-c", "ada", "-v", "12,34.567", "--currency", "€",
         "--probability", "120", "--close", "someday"),
        ["Error: Invalid amount '12,34.567'", "Error: Invalid currency '€'",
         "Error: Invalid probability '120'", "Error: Cannot read 'someday' as a date (close)"],
    ),
    (
        ("log", "call", "ada", " ", "--when", "the other day", "--follow-up", "whenever"),
        ["Error: Cannot read 'the other day' as a date", "Error: Summary must not be empty",
         "Error: Cannot read 'whenever' as a date"],
    ),
    (
        ("company", "edit", "Engines", "--domain", "d" * 201, "--tag", "t" * 101),
        ["Error: Domain is longer than 200 characters", "Error: Tag 'tttttttttttttttttttt'"],
    ),
]  # fmt: skip


@pytest.fixture
def book(crm):
    crm.ok("contact", "add", "Ada Lovelace", "--email", "ada@example.com", "--company", "Engines")
    return crm.ok("export", "contacts", "--format", "json")


@pytest.mark.parametrize(("args", "lines"), CASES, ids=lambda v: " ".join(v[:2]))
def test_every_invalid_input_has_its_line_and_nothing_changes(crm, book, args, lines):
    before = [crm.ok("export", kind, "--format", "json") for kind in ("contacts", "tasks")]
    result = crm(*args)
    assert result.exit_code == 2, result.stderr
    said = result.stderr.splitlines()
    assert len(said) == len(lines), said
    for line, start in zip(said, lines, strict=True):
        assert line.startswith(start), said
    assert [crm.ok("export", kind, "--format", "json") for kind in ("contacts", "tasks")] == before
    assert crm.json("deal", "list") == [] and crm.json("interactions") == []


def test_one_invalid_input_is_still_one_line(crm, book):
    result = crm("task", "add", "Call", "--due", "blorf")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1


def test_a_real_process_prints_a_line_per_field(run_termcrm):
    done = run_termcrm("contact", "add", "Zoë", "--email", "x@", "--cadence", "soon")
    assert done.returncode == 2
    assert [line.split(":")[1].strip() for line in done.stderr.splitlines()] == [
        "Invalid email 'x@'",
        "Invalid cadence 'soon'",
    ]
    assert done.stdout == ""
