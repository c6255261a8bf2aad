"""Recurrence rules and the next due date of a completed recurring task (clock frozen on
Wednesday 2026-11-18 10:00 in Berlin)."""

from __future__ import annotations

from datetime import date

import pytest

from termcrm import dates
from termcrm.errors import Invalid
from termcrm.services import recurrence


def _next(rule: str, due: str, *, done: str | None = None, timed: bool = False, **kw):
    at = dates.parse_when(due).at
    completed = dates.parse_when(done).at if done else at
    return recurrence.next_occurrence(
        recurrence.parse_rule(rule), at, timed, completed_at=completed, **kw
    )


def _local(n: recurrence.Next) -> str:
    return dates.show(n.due_at, with_time=n.due_has_time)


@pytest.mark.parametrize(
    ("rule", "due", "expected"),
    [
        ("daily", "2026-11-18", "2026-11-19"),
        ("weekly", "2026-11-16", "2026-11-23"),
        ("monthly", "2026-11-18", "2026-12-18"),
        ("yearly", "2026-11-18", "2027-11-18"),
        ("3d", "2026-11-18", "2026-11-21"),
        ("2w", "2026-11-18", "2026-12-02"),
        ("2m", "2026-11-30", "2027-01-30"),
        ("6mo", "2026-08-31", "2027-02-28"),
        ("every 10d", "2026-11-18", "2026-11-28"),
    ],
)
def test_each_rule_steps_from_the_due_date(rule, due, expected):
    assert _local(_next(rule, due)) == expected


def test_month_end_clamps_and_keeps_its_anchor_day():
    feb = _next("monthly", "2026-01-31")
    assert _local(feb) == "2026-02-28"
    assert feb.recur == "monthly@31"  # remembers the day it wanted
    mar = _next(feb.recur, "2026-02-28")
    assert _local(mar) == "2026-03-31"  # does not drift to the 28th
    assert mar.recur == "monthly"
    apr = _next(mar.recur, "2026-03-31")
    assert (_local(apr), apr.recur) == ("2026-04-30", "monthly@31")


def test_leap_day_yearly_and_leap_february():
    assert _local(_next("monthly", "2028-01-31")) == "2028-02-29"
    nxt = _next("yearly", "2028-02-29")
    assert (_local(nxt), nxt.recur) == ("2029-02-28", "yearly@29")
    assert _local(_next(nxt.recur, "2029-02-28")) == "2030-02-28"


def test_late_completion_keeps_the_schedule_but_rolls_past_today():
    # weekly on Mondays, done on Wednesday 18th, 3 weeks late: next Monday, not a past one
    nxt = _next("weekly", "2026-10-26", done="2026-11-18 10:00")
    assert _local(nxt) == "2026-11-23"
    assert date.fromisoformat(_local(nxt)).weekday() == 0
    # a daily task done late is due today again, not overdue
    assert _local(_next("daily", "2026-11-10", done="2026-11-18 10:00")) == "2026-11-18"


def test_from_completion_counts_from_the_day_it_is_done():
    assert _local(_next("2w", "2026-10-26", done="2026-11-18 10:00", from_completion=True)) == (
        "2026-12-02"
    )
    # the same through the rule's trailing "!"
    nxt = _next("2w!", "2026-10-26", done="2026-11-18 10:00")
    assert (_local(nxt), nxt.recur) == ("2026-12-02", "2w!")


def test_timed_task_keeps_its_local_time_across_daylight_saving():
    # Berlin leaves summer time on 2026-10-25: 09:00 local stays 09:00 local
    nxt = _next("weekly", "2026-10-21 09:00", timed=True)
    assert _local(nxt) == "2026-10-28 09:00"
    assert nxt.due_has_time


@pytest.mark.parametrize("bad", ["fortnightly", "0d", "3x", "weekly@31", "d", "-2w", "5000d"])
def test_bad_rules_are_invalid(bad):
    if bad == "weekly@31":
        assert recurrence.parse_rule(bad).anchor_day is None  # anchors mean months only
        return
    with pytest.raises(Invalid):
        recurrence.parse_rule(bad)


def test_rule_texts():
    assert recurrence.normalize(" Weekly ") == "weekly"
    assert recurrence.normalize("1w") == "weekly"
    assert recurrence.normalize("3MO") == "3m"
    assert recurrence.normalize("") is None
    assert recurrence.parse_rule("monthly@31").text == "monthly"
    assert recurrence.parse_rule("2w!").describe() == "every 2 weeks after completion"
