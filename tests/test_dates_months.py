"""Month-name dates and the other everyday phrases users hit, with their pinned meanings
(docs/dates.md). The clock is frozen at Wednesday 18 November 2026, 10:00 Berlin."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from termcrm import dates
from termcrm.errors import Invalid


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("dec 15", date(2026, 12, 15)),
        ("15 dec", date(2026, 12, 15)),
        ("December 15", date(2026, 12, 15)),
        ("15 December", date(2026, 12, 15)),
        ("sept 3", date(2027, 9, 3)),  # already past this year: next year's
        ("nov 18", date(2026, 11, 18)),  # today counts
        ("nov 17", date(2027, 11, 17)),
        ("dec 15 2027", date(2027, 12, 15)),
        ("dec 15, 2027", date(2027, 12, 15)),
        ("15 dec 2025", date(2025, 12, 15)),
        ("feb 29", date(2028, 2, 29)),
        ("mon", date(2026, 11, 23)),
        ("next month", date(2026, 12, 1)),
    ],
)
def test_pinned_days(typed, day):
    when = dates.parse_when(typed)
    assert not when.has_time
    assert when.local_date == day


def test_a_time_of_day_after_a_month_day():
    when = dates.parse_when("december 15 14:00")
    assert when.has_time
    assert when.local.replace(tzinfo=None) == datetime(2026, 12, 15, 14, 0)
    assert dates.parse_when("3 mar 9am").local.replace(tzinfo=None) == datetime(2027, 3, 3, 9)


def test_looking_back_takes_the_latest_up_to_today():
    assert dates.parse_when("dec 15", backwards=True).local_date == date(2025, 12, 15)
    assert dates.parse_when("nov 18", backwards=True).local_date == date(2026, 11, 18)


@pytest.mark.parametrize(
    ("typed", "message"),
    [("feb 30", "February has no day 30"), ("dec 32", "December has no day 32")],
)
def test_a_day_the_month_does_not_have_is_refused(typed, message):
    with pytest.raises(Invalid) as exc:
        dates.parse_when(typed)
    assert str(exc.value) == message


def test_the_cli_takes_them_where_a_date_is_expected(crm):
    crm.ok("contact", "add", "Zoë Ölstad")
    task = crm.json("task", "add", "Send the card", "--contact", "Zoë", "--due", "15 dec")
    assert task["due_at"].startswith("2026-12-14T23:00:00")  # local midnight in UTC
    bad = crm("task", "add", "Nope", "--due", "feb 30")
    assert (bad.exit_code, bad.stderr) == (2, "Error: February has no day 30\n")
    assert len(crm.json("task", "list")) == 1
