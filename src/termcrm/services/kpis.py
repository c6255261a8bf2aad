"""The KPI report: every figure of `termcrm report` (and of the TUI dashboard), UI-free.

Entry point: `compute(session, since=..., until=..., owner=None) -> Report`. Each figure is
computed for the period [since, until) and for the previous period of the same length
[since - (until - since), since). The formulas are pinned in docs/kpis.md.

How it stays fast on large databases: nothing scans a whole table. Interactions by kind and
week are index range counts on `ix_interactions_kind_occurred`; the state of contacts and
deals *as of* a past moment is the current state corrected by the (few) stage changes since
that moment, bucketed by period in SQL; the open pipeline, won value per customer and the
recent stage changes are read from covering indexes (migration 0003). The cyclic garbage
collector is paused while computing.

Conventions: the state "as of T" is the state after every change strictly before T, so the
state at the start of a period plus the changes in it gives the state at its end. Money is
never added across currencies: money figures are `{currency: "decimal string"}`. Rates are
fractions (0..1); a division by zero gives None.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import and_, bindparam, case, func, or_, select, text
from sqlmodel import Session

from termcrm import dates
from termcrm.errors import Invalid
from termcrm.services._query import ieq
from termcrm.store.models import (
    Case,
    Contact,
    ContactStageChange,
    Deal,
    DealStageChange,
    Interaction,
    Task,
)
from termcrm.store.types import UTCDateTime
from termcrm.vocab import ALL_INTERACTION_KINDS, OPEN_DEAL_STAGES, STAGE_PROBABILITY

#: weeks counted by one statement (x 8 kinds = its columns)
_WEEKS_PER_STATEMENT = 60
SECTIONS = ("pipeline", "sales", "leads", "customers", "satisfaction", "service", "activity")
DEFAULT_DAYS = 30
_CENT = Decimal("0.01")


# -- the period -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """[since, until), aware UTC."""

    since: datetime
    until: datetime

    @property
    def length(self) -> timedelta:
        return self.until - self.since

    @property
    def previous(self) -> Period:
        return Period(self.since - self.length, self.since)

    def __contains__(self, at: datetime) -> bool:
        return self.since <= at < self.until


def resolve_period(
    since: str | None = None, until: str | None = None, *, days: int = DEFAULT_DAYS
) -> Period:
    """The period a user asked for with `--since`/`--until` (default: the last 30 days).

    A bare duration reads backwards (`--since 90d` is 90 days ago). A date without a time
    means the start of that local day for `--since` and its end for `--until`, so
    `--since 2026-11-01 --until 2026-11-30` covers the whole of November. An end with a time
    of day (and the default end, now) includes that second: the period stops at the start
    of the next whole second, so what was logged just now counts.
    """
    end = _next_second(dates.now())
    if until:
        w = dates.parse_when(until, backwards=True)
        end = (
            _next_second(w.at)
            if w.has_time
            else dates.local_midnight(w.local_date + timedelta(days=1))
        )
    start = end - timedelta(days=days)
    if since:
        start = dates.parse_when(since, backwards=True).at
    if start >= end:
        raise Invalid(
            f"The period is empty: --since ({dates.show(start)}) must be before "
            f"--until ({dates.show(end)})"
        )
    return Period(start, end)


def _next_second(at: datetime) -> datetime:
    return at.replace(microsecond=0) + timedelta(seconds=1)


# -- the report -------------------------------------------------------------------------------


@dataclass
class Report:
    """Figures of the period (`current`) and of the previous one (`previous`), per section.

    `current["sales"]["win_rate"]` is a plain number or None; `to_dict()` is the JSON of
    `termcrm report --json`: each section holds its figures plus `previous` with the same keys.
    """

    period: Period
    owner: str | None
    current: dict[str, dict[str, Any]] = field(default_factory=dict)
    previous: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        prev = self.period.previous
        data: dict[str, Any] = {
            "period": {
                "since": dates.iso(self.period.since),
                "until": dates.iso(self.period.until),
                "days": round(self.period.length.total_seconds() / 86400, 2),
                "owner": self.owner,
                "previous": {"since": dates.iso(prev.since), "until": dates.iso(prev.until)},
            }
        }
        for name in SECTIONS:
            data[name] = {**self.current[name], "previous": self.previous[name]}
        return data


def compute(
    session: Session, *, since: datetime, until: datetime, owner: str | None = None
) -> Report:
    """Every KPI for [since, until) and for the previous period of the same length."""
    since, until = dates.as_utc(since), dates.as_utc(until)
    if since >= until:
        raise Invalid("The period is empty: since must be before until")
    period = Period(since, until)
    owner = owner.strip() if owner and owner.strip() else None
    report = Report(period=period, owner=owner)
    # tens of thousands of short-lived row tuples and no reference cycles: the cyclic
    # garbage collector would only rescan the whole heap (about a third of the run time)
    collecting = gc.isenabled()
    gc.disable()
    try:
        ctx = _Context(session, period, owner)
        for target, k in ((report.current, CUR), (report.previous, PREV)):
            target["pipeline"] = ctx.pipeline(k + 1)
            target["sales"] = ctx.sales(k)
            target["leads"] = ctx.leads(k)
            target["customers"] = ctx.customers(k)
            target["satisfaction"] = ctx.satisfaction(k)
            target["service"] = ctx.service(k)
            target["activity"] = ctx.activity(k)
    finally:
        if collecting:
            gc.enable()
    return report


# -- helpers ----------------------------------------------------------------------------------

#: bucket numbers of a moment: in the previous period, in the current one, after it
PREV, CUR, AFTER = 0, 1, 2


def _ratio(num: float, den: float, places: int = 4) -> float | None:
    return None if not den else round(num / den, places)


def _money(minor: Decimal | int) -> str:
    return str((Decimal(minor) / 100).quantize(_CENT, rounding=ROUND_HALF_UP))


def _money_map(by_cur: dict[str, Decimal | int]) -> dict[str, str]:
    return {cur: _money(v) for cur, v in sorted(by_cur.items())}


def _owned(column, owner: str | None):
    return ieq(column, owner) if owner else None


def _where(stmt, *conds):
    conds = [c for c in conds if c is not None]
    return stmt.where(*conds) if conds else stmt


def _probability(prob: int | None, stage: str) -> int:
    return prob if prob is not None else STAGE_PROBABILITY.get(stage, 0)


class _History:
    """The stage changes since the previous period began, of the records that changed then.

    Each change carries its bucket (PREV, CUR or AFTER) instead of its time, computed in
    SQL, so no timestamp is parsed in Python. `stages[rid]` holds the record's stage at the
    start of each bucket (None when it did not exist yet) and its stage now. Records without
    changes since then kept their current stage all along.
    """

    def __init__(self, rows) -> None:
        """`rows`: (record id, bucket, from_stage, to_stage), in time order."""
        #: bucket -> [(record id, from_stage, to_stage)], in time order
        self.changes: tuple[list, list, list] = ([], [], [])
        first: dict[int, str | None] = {}
        last: dict[int, list[str | None]] = {}  # the last stage reached in each bucket
        for row in rows:
            rid, bucket, frm, to = row
            self.changes[bucket].append((rid, frm, to))
            reached = last.get(rid)
            if reached is None:
                first[rid] = frm
                reached = last[rid] = [None, None, None]
            reached[bucket] = to
        #: record id -> (stage at the start of PREV, of CUR, of AFTER, stage now)
        self.stages: dict[int, tuple[str | None, ...]] = {}
        self._counts: dict[tuple[int, str], int] = {}
        for rid, (in_prev, in_cur, after) in last.items():
            at_prev = first[rid]
            at_cur = in_prev if in_prev is not None else at_prev
            at_after = in_cur if in_cur is not None else at_cur
            self.stages[rid] = (at_prev, at_cur, at_after, after if after is not None else at_after)

    def count_at(self, k: int, stage: str) -> int:
        """How many of these records were in `stage` at the start of bucket k, minus now."""
        key = (k, stage)
        if key not in self._counts:
            stages = self.stages.values()
            self._counts[key] = sum(st[k] == stage for st in stages) - sum(
                st[3] == stage for st in stages
            )
        return self._counts[key]

    def changes_in(self, k: int, to_stage: str, from_stage: str | None = "*"):
        """The record ids of the changes into `to_stage` in bucket k."""
        for rid, frm, to in self.changes[k]:
            if to == to_stage and from_stage in ("*", frm):
                yield rid


class _Context:
    """Reads each table once for both periods; the section methods only aggregate."""

    def __init__(self, session: Session, period: Period, owner: str | None) -> None:
        self.s = session.connection()  # Core rows: no ORM result processing
        self.owner = owner
        self.periods = (period.previous, period)
        self.lo, self.since, self.until = period.previous.since, period.since, period.until
        self._cache: dict[str, Any] = {}

    def _once(self, key: str, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def _bucket(self, column):
        return case((column < self.since, PREV), (column < self.until, CUR), else_=AFTER)

    def _history(self, model, rid_col, owner_model):
        """Stage changes since `lo`, time-ordered (the `changed_at` index gives the order)."""
        stmt = select(rid_col, self._bucket(model.changed_at), model.from_stage, model.to_stage)
        if self.owner:
            stmt = stmt.join(owner_model, owner_model.id == rid_col).where(
                _owned(owner_model.owner, self.owner)
            )
        stmt = stmt.where(model.changed_at >= self.lo).order_by(model.changed_at, model.id)
        return _History(self.s.execute(stmt).all())

    # -- deals ---------------------------------------------------------------------------------

    def _deal_history(self) -> _History:
        return self._once(
            "deals", lambda: self._history(DealStageChange, DealStageChange.deal_id, Deal)
        )

    def _open_deals_now(self):
        """(stage, currency, probability, count, value) of the open deals now, grouped."""
        stmt = _where(
            select(
                Deal.stage,
                Deal.currency,
                Deal.probability,
                func.count(),
                func.coalesce(func.sum(Deal.value_minor), 0),
            ),
            Deal.stage.in_(OPEN_DEAL_STAGES),
            _owned(Deal.owner, self.owner),
        ).group_by(Deal.stage, Deal.currency, Deal.probability)
        return self._once("open_now", lambda: self.s.execute(stmt).all())

    def _deal_info(self) -> dict[int, tuple[str, int, int | None]]:
        """currency, value_minor, probability of the deals changed since `since` (the pipeline
        is wanted at the ends of the periods: `since` and `until`)."""

        def load():
            changed = select(DealStageChange.deal_id).where(
                DealStageChange.changed_at >= self.since
            )
            stmt = select(Deal.id, Deal.currency, Deal.value_minor, Deal.probability).where(
                Deal.id.in_(changed)
            )
            return {r[0]: (r[1], r[2], r[3]) for r in self.s.execute(stmt).all()}

        return self._once("deal_info", load)

    def pipeline(self, k: int) -> dict[str, Any]:
        """Open deals at the start of bucket k (the end of a period), by stage and currency."""
        history = self._deal_history()
        count: dict[tuple[str, str], int] = defaultdict(int)
        value: dict[tuple[str, str], int] = defaultdict(int)
        weighted: dict[tuple[str, str], int] = defaultdict(int)  # minor units x percent

        def add(stage: str, cur: str, minor: int, prob: int | None, n: int, sign: int) -> None:
            count[stage, cur] += sign * n
            value[stage, cur] += sign * minor
            weighted[stage, cur] += sign * minor * _probability(prob, stage)

        for stage, cur, prob, n, total in self._open_deals_now():
            add(stage, cur, int(total), prob, n, 1)
        # correct the current state by the deals that changed since then
        moved = {}
        for rid, stages in history.stages.items():
            now, then = stages[-1], stages[k]
            if now != then and (now in OPEN_DEAL_STAGES or then in OPEN_DEAL_STAGES):
                moved[rid] = (now, then)
        info = self._deal_info() if moved else {}
        for rid, (now, then) in moved.items():
            if rid not in info:
                continue
            cur, minor, prob = info[rid]
            if now in OPEN_DEAL_STAGES:
                add(now, cur, minor, prob, 1, -1)
            if then in OPEN_DEAL_STAGES:
                add(then, cur, minor, None, 1, 1)

        def per_currency(source, stage: str | None = None, scale: int = 1) -> dict[str, str]:
            total: dict[str, int] = defaultdict(int)
            for (st, cur), n in count.items():
                if n and (stage is None or st == stage):
                    total[cur] += source[st, cur]
            return _money_map({c: Decimal(v) / scale for c, v in total.items()})

        return {
            "open_deals": sum(count.values()),
            "open_value": per_currency(value),
            "weighted_value": per_currency(weighted, scale=100),
            "by_stage": {
                stage: {
                    "deals": sum(n for (st, _c), n in count.items() if st == stage),
                    "value": per_currency(value, stage),
                    "weighted_value": per_currency(weighted, stage, scale=100),
                }
                for stage in OPEN_DEAL_STAGES
            },
        }

    def _closed_deals(self):
        """Won and lost deals closed since the period before the previous one."""

        def load():
            lo2 = self.lo - (self.until - self.since)
            stmt = _where(
                select(
                    Deal.stage, Deal.currency, Deal.value_minor, Deal.created_at, Deal.closed_at
                ),
                Deal.closed_at >= lo2,
                Deal.closed_at < self.until,
                # `stage || ''`: read by the closed_at range, not by every won/lost deal
                Deal.stage.concat("").in_(("won", "lost")),
                _owned(Deal.owner, self.owner),
            )
            return self.s.execute(stmt).all()

        return self._once("closed", load)

    def _won_value(self, p: Period) -> dict[str, int]:
        won: dict[str, int] = defaultdict(int)
        for stage, cur, minor, _created, closed in self._closed_deals():
            if stage == "won" and closed in p:
                won[cur] += minor
        return won

    def sales(self, k: int) -> dict[str, Any]:
        p = self.periods[k]
        won = lost = 0
        won_n: dict[str, int] = defaultdict(int)
        lost_value: dict[str, int] = defaultdict(int)
        cycle_days: list[float] = []
        for stage, cur, minor, created, closed in self._closed_deals():
            if closed not in p:
                continue
            if stage == "won":
                won += 1
                won_n[cur] += 1
                cycle_days.append((closed - created).total_seconds() / 86400)
            else:
                lost += 1
                lost_value[cur] += minor
        won_value = self._won_value(p)
        before = self._won_value(p.previous)
        growth = {
            cur: _ratio(won_value.get(cur, 0) - before.get(cur, 0), before.get(cur, 0))
            for cur in sorted(set(won_value) | set(before))
        }
        return {
            "won": won,
            "lost": lost,
            "won_value": _money_map(won_value),
            "lost_value": _money_map(lost_value),
            "win_rate": _ratio(won, won + lost),
            "avg_deal_size": {
                cur: _money(Decimal(won_value[cur]) / n) for cur, n in sorted(won_n.items())
            },
            "avg_sales_cycle_days": (
                round(sum(cycle_days) / len(cycle_days), 2) if cycle_days else None
            ),
            "sales_growth": growth,
        }

    def _won_totals(self):
        """Per currency: (won value, buyers) before `since` and before `until`, in one read."""

        def load():
            before = Deal.closed_at < self.since
            stmt = _where(
                select(
                    Deal.currency,
                    func.coalesce(func.sum(case((before, Deal.value_minor), else_=0)), 0),
                    func.count(func.distinct(case((before, Deal.contact_id), else_=None))),
                    func.coalesce(func.sum(Deal.value_minor), 0),
                    func.count(func.distinct(Deal.contact_id)),
                ),
                Deal.stage == "won",
                Deal.contact_id.is_not(None),  # a deleted contact's deals have no customer
                Deal.closed_at < self.until,
                _owned(Deal.owner, self.owner),
            ).group_by(Deal.currency)
            return sorted(self.s.execute(stmt).all())

        return self._once("won_totals", load)

    def _clv(self, k: int) -> dict[str, Any]:
        """Won value before the end of period k per customer with a won deal, per currency."""
        clv, won, buyers = {}, {}, {}
        for cur, *totals in self._won_totals():
            total, n = int(totals[2 * k]), totals[2 * k + 1]
            if not n:
                continue
            won[cur] = _money(total)
            buyers[cur] = n
            clv[cur] = _money(Decimal(total) / n)
        return {"clv": clv, "lifetime_won_value": won, "clv_customers": buyers}

    # -- contacts ------------------------------------------------------------------------------

    def _contact_history(self) -> _History:
        return self._once(
            "contacts",
            lambda: self._history(ContactStageChange, ContactStageChange.contact_id, Contact),
        )

    def _customers_now(self) -> int:
        stmt = _where(
            select(func.count()).select_from(Contact),
            Contact.stage == "customer",
            _owned(Contact.owner, self.owner),
        )
        return self._once("customers_now", lambda: self.s.execute(stmt).scalar_one())

    def _customers_at(self, k: int) -> int:
        """How many contacts are customers at the start of bucket k."""
        return self._customers_now() + self._contact_history().count_at(k, "customer")

    def leads(self, k: int) -> dict[str, Any]:
        new_leads: set[int] = set()
        converted: set[int] = set()
        for rid, _frm, to in self._contact_history().changes[k]:  # in time order
            if to == "lead":
                new_leads.add(rid)
            elif to == "customer" and rid in new_leads:
                converted.add(rid)
        return {
            "new_leads": len(new_leads),
            "converted": len(converted),
            "conversion_rate": _ratio(len(converted), len(new_leads)),
        }

    def customers(self, k: int) -> dict[str, Any]:
        history = self._contact_history()
        start, end = self._customers_at(k), self._customers_at(k + 1)
        new = {
            rid for rid in history.changes_in(k, "customer") if history.stages[rid][k] != "customer"
        }
        new_at_end = sum(1 for rid in new if history.stages[rid][k + 1] == "customer")
        churned = set(history.changes_in(k, "churned", "customer"))
        return {
            "customers_at_start": start,
            "customers_at_end": end,
            "new_customers": len(new),
            "churned_customers": len(churned),
            "retention_rate": _ratio(end - new_at_end, start),
            **self._clv(k),
        }

    # -- satisfaction --------------------------------------------------------------------------

    def _survey_rows(self):
        """(contact, bucket, metric, score) of the answers of both periods, in time order."""
        stmt = _where(
            select(
                Interaction.contact_id,
                self._bucket(Interaction.occurred_at),
                Interaction.metric,
                Interaction.score,
            ),
            Interaction.kind == "survey",
            Interaction.occurred_at >= self.lo,
            Interaction.occurred_at < self.until,
            _owned(Interaction.logged_by, self.owner),
        ).order_by(Interaction.occurred_at, Interaction.id)
        return self._once("surveys", lambda: self.s.execute(stmt).all())

    def satisfaction(self, k: int) -> dict[str, Any]:
        latest: dict[int, int] = {}
        csat_n = csat_ok = 0
        for contact_id, bucket, metric, score in self._survey_rows():
            if bucket != k or score is None:
                continue
            if metric == "nps":
                latest[contact_id] = score  # time order: the last one wins
            elif metric == "csat":
                csat_n += 1
                csat_ok += score >= 4
        scores = list(latest.values())
        promoters = sum(1 for s in scores if s >= 9)
        detractors = sum(1 for s in scores if s <= 6)
        return {
            "nps": _ratio(100 * (promoters - detractors), len(scores), 1),
            "nps_responses": len(scores),
            "promoters": promoters,
            "passives": len(scores) - promoters - detractors,
            "detractors": detractors,
            "csat": _ratio(csat_ok, csat_n),
            "csat_responses": csat_n,
        }

    # -- service -------------------------------------------------------------------------------

    def service(self, k: int) -> dict[str, Any]:
        p = self.periods[k]
        owned = _owned(Case.owner, self.owner)
        opened = self.s.execute(
            _where(
                select(func.count()).select_from(Case),
                Case.opened_at >= p.since,
                Case.opened_at < p.until,
                owned,
            )
        ).scalar_one()
        still_open = self.s.execute(
            _where(
                select(func.count()).select_from(Case),
                Case.opened_at < p.until,
                or_(Case.resolved_at.is_(None), Case.resolved_at >= p.until),
                owned,
            )
        ).scalar_one()
        resolved = self.s.execute(
            _where(
                select(Case.opened_at, Case.resolved_at),
                Case.status == "resolved",
                Case.resolved_at >= p.since,
                Case.resolved_at < p.until,
                owned,
            )
        ).all()
        hours = [(r - o).total_seconds() / 3600 for o, r in resolved]
        return {
            "cases_opened": opened,
            "cases_resolved": len(resolved),
            "cases_open": still_open,
            "avg_resolution_hours": round(sum(hours) / len(hours), 2) if hours else None,
        }

    # -- activity ------------------------------------------------------------------------------

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
        """{(kind, period, week index): count} over the weeks of both periods."""

        def load():
            weeks = [self._weeks(p) for p in self.periods]
            bounds = [w for period_weeks in weeks for w in period_weeks]
            found: dict[tuple[str, int], int] = {}
            # a year has 53 weeks: long periods go in chunks (SQLite allows 2000 columns)
            for start in range(0, len(bounds), _WEEKS_PER_STATEMENT):
                chunk = bounds[start : start + _WEEKS_PER_STATEMENT]
                params: dict[str, Any] = {}
                for i, w in enumerate(chunk):
                    params[f"s{i}"], params[f"e{i}"] = w.since, w.until
                if self.owner:
                    params["owner"] = self.owner
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
            **self._tasks(self.periods[k]),
        }

    def _tasks(self, p: Period) -> dict[str, Any]:
        owned = _owned(Task.owner, self.owner)
        done = self.s.execute(
            _where(
                select(Task.done_at, Task.due_at, Task.due_has_time),
                Task.done_at >= p.since,
                Task.done_at < p.until,
                owned,
            )
        ).all()
        late = sum(
            1 for d, due, has_time in done if due is not None and d > _deadline(due, has_time)
        )
        return {
            "tasks_completed": len(done),
            "tasks_on_time": len(done) - late,
            "tasks_late": late,
            "overdue_tasks": self._overdue_at(p.until),
        }

    def _overdue_at(self, at: datetime) -> int:
        """Tasks overdue at `at` (the rules of `services.tasks`): open then, and past their due
        time or due day. Uses the tasks' current due dates (snoozing keeps no history)."""
        from termcrm.services import tasks  # its recurrence rules are not needed up front

        owned = _owned(Task.owner, self.owner)
        day_start = tasks.day_start(dates.to_local(at).date())
        done_later = and_(
            Task.done_at >= at,
            Task.due_at < at,
            or_(Task.due_at < day_start, Task.due_has_time.is_(True)),
        )
        total = 0
        for cond in (tasks.overdue_clause(at), done_later):
            stmt = _where(select(func.count()).select_from(Task), cond, owned)
            total += self.s.execute(stmt).scalar_one()
        return total


@lru_cache(maxsize=16)
def _interaction_counts_statement(buckets: int, by_owner: bool):
    """One statement of index range counts per kind and week, on
    `ix_interactions_kind_occurred` (covering unless filtered by owner): far cheaper than
    grouping the rows of the range. Plain SQL text: compiling 80-odd subqueries through the
    expression language would cost more than running them. Bounds are parameters."""
    owner = " AND lower(logged_by) = lower(:owner)" if by_owner else ""
    counts = [
        f"(SELECT count(*) FROM interactions WHERE kind = '{kind}'"
        f" AND occurred_at >= :s{i} AND occurred_at < :e{i}{owner})"
        for kind in ALL_INTERACTION_KINDS
        for i in range(buckets)
    ]
    params = [bindparam(f"{side}{i}", type_=UTCDateTime) for i in range(buckets) for side in "se"]
    if by_owner:
        params.append(bindparam("owner"))
    return text("SELECT " + ", ".join(counts)).bindparams(*params)


def _deadline(due: datetime, has_time: bool) -> datetime:
    """A task due on a date (no time) is on time until that local day ends."""
    if has_time:
        return due
    return dates.local_midnight(dates.to_local(due).date() + timedelta(days=1))
