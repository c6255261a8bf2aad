"""Date phrases have pinned meanings (docs/dates.md); junk fails fast."""

from __future__ import annotations

import time
from datetime import date

import pytest

from termcrm import dates
from termcrm.errors import Invalid


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", date(2026, 11, 18)),
        ("tomorrow", date(2026, 11, 19)),
        ("yesterday", date(2026, 11, 17)),
        ("next friday", date(2026, 11, 20)),
        ("fri", date(2026, 11, 20)),
        ("next wed", date(2026, 11, 25)),  # today is Wednesday: a week ahead
        ("last monday", date(2026, 11, 16)),
        ("in 3 days", date(2026, 11, 21)),
        ("3d", date(2026, 11, 21)),
        ("2w", date(2026, 12, 2)),
        ("in 1 month", date(2026, 12, 18)),
        ("eow", date(2026, 11, 20)),
        ("eom", date(2026, 11, 30)),
        ("next week", date(2026, 11, 23)),
        ("next month", date(2026, 12, 1)),
        ("2026-12-01", date(2026, 12, 1)),
        ("  Tomorrow ", date(2026, 11, 19)),
        ("3 days ago", date(2026, 11, 15)),
    ],
)
def test_phrases(text, expected):
    when = dates.parse_when(text)
    assert when.local_date == expected
    assert not when.has_time


def test_backwards_durations_for_since():
    assert dates.parse_when("30d", backwards=True).local_date == date(2026, 10, 19)


def test_times_are_local_and_stored_utc():
    when = dates.parse_when("2026-12-01 14:30")
    assert when.has_time
    assert when.at.isoformat() == "2026-12-01T13:30:00+00:00"
    assert dates.parse_when("tomorrow 9:15").at.isoformat() == "2026-11-19T08:15:00+00:00"
    assert dates.parse_when("next fri 5pm").at.isoformat() == "2026-11-20T16:00:00+00:00"
    assert dates.parse_when("2026-12-01T14:30:00Z").at.isoformat() == "2026-12-01T14:30:00+00:00"


def test_dst_is_respected():
    # Berlin is UTC+2 in summer
    assert dates.parse_when("2026-07-01 12:00").at.isoformat() == "2026-07-01T10:00:00+00:00"


def test_eow_on_a_weekend_is_the_coming_friday(monkeypatch):
    monkeypatch.setenv("TERMCRM_NOW", "2026-11-21T10:00:00")  # Saturday
    time.tzset()
    assert dates.parse_when("eow").local_date == date(2026, 11, 27)


@pytest.mark.parametrize(
    "junk", ["", "soon", "next fryday", "32d ago ago", "2026-13-01", "25:00", "in three days"]
)
def test_junk_is_invalid(junk):
    with pytest.raises(Invalid):
        dates.parse_when(junk)


def test_add_months_clamps_month_ends():
    assert dates.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert dates.add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert dates.add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
