"""Activity figures: interactions by kind and week, tasks done on time and late, overdue tasks."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import String, and_, bindparam, func, or_, select, text

from termcrm import dates
from termcrm.services.kpis._base import (
    where,
)
from termcrm.services.kpis.period import Period
from termcrm.store.models import (
    Interaction,
    Task,
)
from termcrm.store.types import UTCDateTime
from termcrm.vocab import ALL_INTERACTION_KINDS

#: weeks counted by one statement (x 8 kinds = its columns)
_WEEKS_PER_STATEMENT = 60
#: distinct due values of date-only tasks compared by one statement (x 2 parameters)
_DUES_PER_STATEMENT = 400


class ActivityFigures:
    """Activity figures: interactions by kind and week, tasks done on time and late, overdue tasks."""

    @staticmethod
    def _weeks(p: Period) -> list[Period]:
        """7-day buckets ending at the period's end; the oldest may be shorter."""
        weeks, end = [], p.until
        while end > p.since:
            start = max(end - timedelta(days=7), p.since)
            weeks.append(Period(start, end))
            end = start
        return weeks[::-1]

    def _interaction_counts(self):
        """{(kind, period, week index): count} over the weeks of the periods computed."""

        def load():
            weeks = [
                self._weeks(p) if k in self.computed else [] for k, p in enumerate(self.periods)
            ]
            bounds = [w for period_weeks in weeks for w in period_weeks]
            found: dict[tuple[str, int], int] = {}
            # a year has 53 weeks: long periods go in chunks (SQLite allows 2000 columns)
            for start in range(0, len(bounds), _WEEKS_PER_STATEMENT):
                chunk = bounds[start : start + _WEEKS_PER_STATEMENT]
                params: dict[str, Any] = {}
                for i, w in enumerate(chunk):
                    params[f"s{i}"], params[f"e{i}"] = w.since, w.until
                params.update(self._spellings(Interaction.logged_by))
                stmt = _interaction_counts_statement(len(chunk), bool(self.owner))
                row = iter(self.s.execute(stmt, params).one())
                for kind in ALL_INTERACTION_KINDS:
                    for i in range(len(chunk)):
                        found[kind, start + i] = next(row)
            counts, offset = {}, 0
            for k, period_weeks in enumerate(weeks):
                for i in range(len(period_weeks)):
                    for kind in ALL_INTERACTION_KINDS:
                        counts[kind, k, i] = found[kind, offset + i]
                offset += len(period_weeks)
            return weeks, counts

        return self._once("interactions", load)

    def activity(self, k: int) -> dict[str, Any]:
        weeks, counts = self._interaction_counts()
        mine = list(enumerate(weeks[k]))
        by_kind = {
            kind: sum(counts[kind, k, i] for i, _w in mine) for kind in ALL_INTERACTION_KINDS
        }
        per_week = [
            {
                "start": dates.iso(w.since),
                "end": dates.iso(w.until),
                "interactions": sum(counts[kind, k, i] for kind in ALL_INTERACTION_KINDS),
            }
            for i, w in mine
        ]
        return {
            "interactions": sum(by_kind.values()),
            "by_kind": by_kind,
            "per_week": per_week,
            **self._tasks(k),
        }

    def _done_tasks(self) -> dict[int, tuple[int, int]]:
        """bucket -> (tasks done in it, those done after their deadline), both periods.

        The deadline of a task due on a date is the end of that local day (it depends on
        the time zone): worked out in Python once per distinct due value (date-only tasks
        share few) and handed to the count as parameters; the rest is counted in SQL."""

        def load():
            owned = self._owned(Task.owner)
            dues = self.s.execute(
                where(
                    select(Task.due_at).distinct(),
                    Task.done_at >= self.first,
                    Task.done_at < self.until,
                    Task.due_at.is_not(None),
                    Task.due_has_time.is_(False),
                    owned,
                )
            ).scalars()
            deadlines = [(due, _deadline(due, False)) for due in dues]
            found: dict[int, list[int]] = defaultdict(lambda: [0, 0])
            for start in range(0, max(len(deadlines), 1), _DUES_PER_STATEMENT):
                chunk = deadlines[start : start + _DUES_PER_STATEMENT]
                params: dict[str, Any] = {
                    "lo": self.first,
                    "since": self.since,
                    "until": self.until,
                }
                for i, (due, end) in enumerate(chunk):
                    params[f"d{i}"], params[f"l{i}"] = due, end
                params.update(self._spellings(Task.owner))
                totals = start == 0
                stmt = _done_tasks_statement(len(chunk), bool(self.owner), totals)
                for b, n, n_late in self.s.execute(stmt, params).all():
                    if totals:
                        found[b][0] = n
                    found[b][1] += int(n_late)
            return {b: (n, n_late) for b, (n, n_late) in found.items()}

        return self._once("done_tasks", load)

    def _tasks(self, k: int) -> dict[str, Any]:
        done, late = self._done_tasks().get(k, (0, 0))
        return {
            "tasks_completed": done,
            "tasks_on_time": done - late,
            "tasks_late": late,
            "overdue_tasks": self._overdue_at(self.periods[k].until),
        }

    def _overdue_at(self, at: datetime) -> int:
        """Tasks overdue at `at` (the rules of `services.tasks`): open then, and past their due
        time or due day. Uses the tasks' current due dates (snoozing keeps no history)."""
        from termcrm.services import tasks  # its recurrence rules are not needed up front

        owned = self._owned(Task.owner)
        day_start = tasks.day_start(dates.to_local(at).date())
        done_later = and_(
            Task.done_at >= at,
            Task.due_at < at,
            or_(Task.due_at < day_start, Task.due_has_time.is_(True)),
        )
        total = 0
        for cond in (tasks.overdue_clause(at), done_later):
            stmt = where(select(func.count()).select_from(Task), cond, owned)
            total += self.s.execute(stmt).scalar_one()
        return total


@lru_cache(maxsize=16)
def _interaction_counts_statement(buckets: int, by_owner: bool):
    """One statement of index range counts per kind and week, on
    `ix_interactions_kind_occurred` (covering unless filtered by owner): far cheaper than
    grouping the rows of the range. Plain SQL text: compiling 80-odd subqueries through the
    expression language would cost more than running them. Bounds are parameters."""
    owner = " AND logged_by IN :owners" if by_owner else ""
    counts = [
        f"(SELECT count(*) FROM interactions WHERE kind = '{kind}'"
        f" AND occurred_at >= :s{i} AND occurred_at < :e{i}{owner})"
        for kind in ALL_INTERACTION_KINDS
        for i in range(buckets)
    ]
    params = [bindparam(f"{side}{i}", type_=UTCDateTime) for i in range(buckets) for side in "se"]
    if by_owner:
        params.append(bindparam("owners", expanding=True, type_=String()))
    return text("SELECT " + ", ".join(counts)).bindparams(*params)


@lru_cache(maxsize=16)
def _done_tasks_statement(dues: int, by_owner: bool, totals: bool):
    """Per bucket (0: the previous period, 1: the current one): the tasks done in it and
    how many of them late, for `dues` date-only due values :d<i> with deadlines :l<i>.
    Without `totals`, only the late ones among those due values (a further chunk). Plain SQL
    text: building a CASE of a few hundred branches through the expression language would
    cost more than running it."""
    by_day = " ".join(
        f"WHEN :d{i} THEN CASE WHEN done_at > :l{i} THEN 1 ELSE 0 END" for i in range(dues)
    )
    by_day = f"CASE due_at {by_day} ELSE 0 END" if dues else "0"
    if totals:
        late = (
            "CASE WHEN due_at IS NULL THEN 0"
            " WHEN due_has_time THEN CASE WHEN done_at > due_at THEN 1 ELSE 0 END"
            f" ELSE {by_day} END"
        )
        only = ""
    else:
        late, only = by_day, " AND due_at IS NOT NULL AND NOT due_has_time"
    owner = " AND owner IN :owners" if by_owner else ""
    sql = (
        "SELECT CASE WHEN done_at < :since THEN 0 ELSE 1 END AS bucket, count(*),"
        f" coalesce(sum({late}), 0) FROM tasks"
        f" WHERE done_at >= :lo AND done_at < :until{only}{owner} GROUP BY bucket"
    )
    names = ["lo", "since", "until"] + [f"{side}{i}" for i in range(dues) for side in "dl"]
    params = [bindparam(name, type_=UTCDateTime) for name in names]
    if by_owner:
        params.append(bindparam("owners", expanding=True, type_=String()))
    return text(sql).bindparams(*params)


def _deadline(due: datetime, has_time: bool) -> datetime:
    """A task due on a date (no time) is on time until that local day ends."""
    if has_time:
        return due
    return dates.local_midnight(dates.to_local(due).date() + timedelta(days=1))
