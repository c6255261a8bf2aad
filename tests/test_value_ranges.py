"""Values stay in range, errors stay typed (docs/security.md names the ranges).

Each reproduction once ended in `Error: unexpected OverflowError/ValueError` (exit 1) or broke
a later command for everyone; now the input is refused at once, exit 2, naming the field, and
nothing is changed.
"""

from __future__ import annotations

import sqlite3
import time

import pytest

from termcrm import dates
from termcrm.errors import Invalid
from termcrm.services import validate


def refused(result, *words: str) -> str:
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "unexpected" not in lines[0]
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def east(monkeypatch):
    """A time zone east of UTC, where local midnight of 9999-12-31 is past what Python holds."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("cadence", ["9999y", "800000", "800000d", "522w", "3651d"])
def test_a_cadence_beyond_ten_years_is_refused_and_today_still_works(crm, cadence):
    refused(crm("contact", "add", "Ada", "--cadence", cadence), "cadence", cadence)
    assert crm.json("contact", "list") == []
    crm.ok("contact", "add", "Ada", "--cadence", "10y")  # 3,650 days: the longest
    assert crm("today").exit_code == 0


def test_a_cadence_in_a_csv_is_checked_too(crm, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("name,cadence_days\nAda,30\nBob,800000\n", encoding="utf-8")
    result = crm("import", "contacts", path)
    assert result.exit_code == 2 and "cadence" in result.stderr
    assert "unexpected" not in result.stderr
    assert crm.json("contact", "list") == []


@pytest.mark.parametrize("due", ["9999-12-31", "1899-12-31", "in 9999 years", "3000-01-01 10:00"])
def test_a_due_date_outside_1900_2999_is_refused(crm, due):
    refused(crm("task", "add", "Pay", "--due", due), "due", "1900", "2999")
    assert crm.json("task", "list", "--all") == []


def test_the_last_dates_of_the_range_work_everywhere(crm, east):
    crm.ok("contact", "add", "Ada")
    crm.ok("task", "add", "Far", "--due", "2999-12-31", "--contact", "Ada", "--recur", "daily")
    crm.ok("task", "add", "Old", "--due", "1900-01-01", "--contact", "Ada")
    crm.ok("log", "call", "Ada", "Long ago", "--when", "1900-01-01 00:00")
    crm.ok("export", "tasks", "--format", "ics")
    crm.ok("contact", "show", "Ada")
    crm.ok("today")
    # the next occurrence would be in the year 3000: refused, the task stays open
    refused(crm("task", "done", "1"), "out of range")
    assert crm.json("task", "show", "1")["done"] is False


def test_an_interaction_in_the_year_9999_is_refused(crm, east):
    crm.ok("contact", "add", "Ada")
    refused(crm("log", "call", "Ada", "Far", "--when", "9999-12-31"), "when")
    refused(crm("log", "call", "Ada", "Far", "--follow-up", "9999-12-31"), "follow-up")
    refused(crm("interactions", "--since", "0001-01-01"), "since")
    refused(crm("report", "--until", "in 9999 years"), "until")
    assert crm.json("interactions") == []


def test_values_stored_before_the_ranges_do_not_break_reading(crm, db_path, east):
    """A database written by an older termcrm may hold them: every view still works."""
    crm.ok("contact", "add", "Ada", "--cadence", "30d")
    crm.ok("task", "add", "Pay", "--due", "today", "--contact", "Ada")
    crm.ok("log", "call", "Ada", "Hello")
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE contacts SET cadence_days = 3000000")
        conn.execute("UPDATE interactions SET occurred_at = '9999-12-31 23:00:00.000000'")
        conn.execute("UPDATE tasks SET due_at = '9999-12-31 00:00:00.000000'")
    conn.close()
    assert crm("today").exit_code == 0
    assert "9999-12-31" in crm.ok("contact", "show", "Ada")
    assert "BEGIN:VCALENDAR" in crm.ok("export", "tasks", "--format", "ics")


@pytest.mark.parametrize(
    ("value", "word"),
    [("1e20", "at most"), ("NaN", "not a number"), ("-inf", "not a number"),
     ("10000000000000", "at most"), ("1" * 60, "too long"), ("-5", "negative")],
)  # fmt: skip
def test_money_stays_below_the_64_bit_bound(crm, value, word):
    crm.ok("contact", "add", "Ada")
    refused(crm("deal", "add", "Big", "--contact", "Ada", "--value", value), "amount", word)
    crm.ok("deal", "add", "Biggest", "--contact", "Ada", "--value", "9999999999999.99")
    assert crm.json("deal", "show", "1")["value"] == "9999999999999.99"


@pytest.mark.parametrize(
    "args",
    [
        ("task", "show", "9223372036854775808"),
        ("contact", "show", "99999999999999999999999"),
        ("company", "show", "#99999999999999999999999"),
        ("deal", "won", "9223372036854775808"),
        ("case", "show", "99999999999999999999"),
        ("interactions", "edit", "99999999999999999999999", "--summary", "x"),
        ("interactions", "delete", "9223372036854775808"),
        ("history", "99999999999999999999999"),
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_an_id_no_record_can_have_is_invalid(crm, args):
    refused(crm(*args), "id", "ids go up to")


def test_an_interaction_id_in_other_digits_is_not_a_number(crm):
    r = crm("interactions", "delete", "٣")  # Arabic-Indic three: `int()` would take it
    assert r.exit_code == 2
    assert r.stderr == "Error: Invalid interaction id '٣': expected a number\n"


def test_limits_durations_and_text_lengths(crm):
    crm.ok("contact", "add", "Ada")
    refused(crm("contact", "list", "--limit", "99999999999999999999"), "--limit")
    refused(crm("log", "call", "Ada", "x", "--duration", "99999999999999999999"), "duration")
    refused(crm("contact", "add", "x" * 201), "Name", "200")
    refused(crm("contact", "add", "Nul\x00Byte"), "Name", "NUL")
    assert [c["name"] for c in crm.json("contact", "list")] == ["Ada"]


def test_bytes_that_are_not_utf8_are_refused_by_the_real_program(run_termcrm):
    import os
    import subprocess

    from conftest import termcrm_executable

    done = subprocess.run(
        [termcrm_executable().encode(), b"contact", b"add", b"Caf\xe9"],
        capture_output=True,
        env=os.environ,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.decode().startswith("Error: 'Caf\\xe9' is not valid UTF-8")
    assert b"Traceback" not in done.stderr


@pytest.mark.parametrize("year", [1899, 3000, 9999])
def test_dates_module_names_the_field(year):
    with pytest.raises(Invalid) as caught:
        dates.parse_when(f"{year}-06-01", field="due")
    assert caught.value.field == "due" and caught.value.exit_code == 2
    assert str(caught.value).startswith("Invalid due:")


def test_validate_bounds_are_documented_values():
    assert validate.MAX_AMOUNT_MINOR * 1000 < 2**63  # a thousand deals at most still sum
    assert validate.MAX_CADENCE_DAYS == 3650
    assert (dates.MIN_YEAR, dates.MAX_YEAR) == (1900, 2999)


@pytest.mark.postgres
def test_ranges_hold_on_postgresql(crm, pg_url, monkeypatch, east):
    monkeypatch.setenv("TERMCRM_DB", pg_url)
    crm.ok("contact", "add", "Ada", "--cadence", "10y")
    refused(crm("contact", "edit", "Ada", "--cadence", "9999y"), "cadence")
    refused(crm("contact", "add", "Nul\x00Byte"), "NUL")
    crm.ok("deal", "add", "Biggest", "--contact", "Ada", "--value", "9999999999999.99")
    crm.ok("deal", "add", "Second", "--contact", "Ada", "--value", "9999999999999.99")
    assert crm("pipeline").exit_code == 0
    refused(crm("task", "add", "Far", "--due", "9999-12-31"), "due")
    refused(crm("task", "show", "9223372036854775808"), "ids go up to")
    assert crm("today").exit_code == 0
    assert crm("report").exit_code == 0
