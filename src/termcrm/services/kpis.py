"""The KPI report: every figure of `termcrm report` (and of the TUI dashboard), UI-free.

Entry point: `compute(session, since=..., until=..., owner=None) -> Report`. Each figure is
computed for the period [since, until) and for the previous period of the same length
[since - (until - since), since). The formulas are pinned in docs/kpis.md.

How it stays fast on large databases: nothing scans a whole table, and few rows reach
Python. Interactions by kind and week are index range counts on
`ix_interactions_kind_occurred`. The state *as of* a past moment T is the current state
corrected by the stage changes since T: the histories are chains (each change starts where
the previous one ended; a record's history goes with it), so how many deals were in a stage
at T, their value and weighted value are today's plus a telescoping sum over the changes
since T, grouped in SQL into a few dozen rows. The contact figures read only the changes
into 'lead' or 'customer' or out of 'customer' (bucket computed in SQL, no timestamps
parsed). Closed deals, done tasks and resolved cases are aggregated in SQL (durations via
`store.dialect.seconds_between`); the deadline of a date-only task depends on the time zone,
so it is worked out in Python once per distinct due value and passed to the count. The open
pipeline, won value per customer and the stage changes in time order are read from covering
indexes (migration 0003). The cyclic garbage collector is paused while computing.

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

from sqlalchemy import String, and_, bindparam, case, func, literal_column, or_, select, text
from sqlalchemy.sql.elements import Label
from sqlmodel import Session

from termcrm import dates
from termcrm.errors import Invalid
from termcrm.services import owners
from termcrm.store.models import (
    Case,
    Contact,
    ContactStageChange,
    Deal,
    DealStageChange,
    Interaction,
    Task,
)
from termcrm.store.sqlfunc import seconds_between
from termcrm.store.types import UTCDateTime
from termcrm.vocab import ALL_INTERACTION_KINDS, OPEN_DEAL_STAGES, STAGE_PROBABILITY

#: weeks counted by one statement (x 8 kinds = its columns)
_WEEKS_PER_STATEMENT = 60
#: distinct due values of date-only tasks compared by one statement (x 2 parameters)
_DUES_PER_STATEMENT = 400
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
        w = dates.parse_when(until, backwards=True, field="until")
        end = (
            _next_second(w.at)
            if w.has_time
            else dates.local_midnight(w.local_date + timedelta(days=1))
        )
    start = end - timedelta(days=days)
    if since:
        start = dates.parse_when(since, backwards=True, field="since").at
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


def _where(stmt, *conds):
    conds = [c for c in conds if c is not None]
    return stmt.where(*conds) if conds else stmt


def _probability(prob: int | None, stage: str) -> int:
    return prob if prob is not None else STAGE_PROBABILITY.get(stage, 0)


def _conditional_sum(cond, value=1):
    return func.coalesce(func.sum(case((cond, value), else_=0)), 0)


def _group_key(column):
    """A labelled expression is grouped by its name: repeating it would repeat its bound
    parameters, which PostgreSQL does not recognise as the same expression."""
    return literal_column(column.name) if isinstance(column, Label) else column


@dataclass(frozen=True)
class _ContactFigures:
    """Of one bucket: changes out of 'customer' and into it, contacts that churned, became
    a lead, became a lead and then a customer, became a customer (new ones), and of those,
    the ones still customers at the bucket's end."""

    left: int = 0
    entered: int = 0
    churned: int = 0
    new_leads: int = 0
    converted: int = 0
    new_customers: int = 0
    new_still_customers: int = 0


class _Context:
    """Reads each table once for both periods; the section methods only aggregate.

    The state at a past moment T uses the stage histories, which are chains: each change's
    `from_stage` is the previous change's `to_stage`, the first one (the creation) has none,
    and deleting a record deletes its history. So how many records were in a stage at T is
    how many are in it now plus, over the changes since T, those leaving it minus those
    entering it: conditional sums grouped by bucket, with no row of history read in Python.
    """

    def __init__(self, session: Session, period: Period, owner: str | None) -> None:
        self.s = session.connection()  # Core rows: no ORM result processing
        self.owner = owner
        self.periods = (period.previous, period)
        self.lo, self.since, self.until = period.previous.since, period.since, period.until
        #: the start of bucket k (PREV, CUR, AFTER) and its end
        self.starts = (self.lo, self.since, self.until)
        self._cache: dict[str, Any] = {}

    def _owned(self, column):
        """The owner condition on `column` (None for the whole team): `services.owners`."""
        if not self.owner:
            return None
        return self._once(f"owned {column}", lambda: owners.condition(self.s, column, self.owner))

    def _spellings(self, column) -> dict[str, list[str]]:
        """The `:owners` parameter of the plain-SQL counts: the stored spellings of the owner."""
        if not self.owner:
            return {}
        return {"owners": owners.matching(self.s, column, self.owner)}

    def _once(self, key: str, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def _bucket(self, column):
        return case((column < self.since, PREV), (column < self.until, CUR), else_=AFTER)

    def _grouped(self, keys, aggregates, *conditions, join=None):
        """The rows of `keys` (columns, or labelled expressions) and `aggregates`, grouped by
        the keys, where every condition holds; `join`: (model, on clause)."""
        stmt = select(*keys, *aggregates)
        if join is not None:
            stmt = stmt.join(*join)
        stmt = _where(stmt, *conditions).group_by(*map(_group_key, keys))
        return self.s.execute(stmt).all()

    # -- deals ---------------------------------------------------------------------------------

    def _open_deals_now(self):
        """(stage, currency, probability, count, value) of the open deals now, grouped."""
        return self._once(
            "open_now",
            lambda: self._grouped(
                (Deal.stage, Deal.currency, Deal.probability),
                (func.count(), func.coalesce(func.sum(Deal.value_minor), 0)),
                Deal.stage.in_(OPEN_DEAL_STAGES),
                self._owned(Deal.owner),
            ),
        )

    def _deal_moves(self):
        """(bucket, from_stage, to_stage, currency, stage now, own probability, count,
        value) of the deal stage changes since `since` into or out of an open stage (the
        pipeline is wanted at `since` and at `until`), grouped."""

        def load():
            change = DealStageChange
            bucket = self._bucket(change.changed_at).label("bucket")
            return self._grouped(
                (
                    bucket,
                    change.from_stage,
                    change.to_stage,
                    Deal.currency,
                    Deal.stage,
                    Deal.probability,
                ),
                (func.count(), func.coalesce(func.sum(Deal.value_minor), 0)),
                change.changed_at >= self.since,
                or_(
                    change.from_stage.in_(OPEN_DEAL_STAGES),
                    change.to_stage.in_(OPEN_DEAL_STAGES),
                ),
                self._owned(Deal.owner),
                join=(Deal, Deal.id == change.deal_id),
            )

        return self._once("deal_moves", load)

    def pipeline(self, k: int) -> dict[str, Any]:
        """Open deals at the start of bucket k (the end of a period), by stage and currency:
        the open deals now, with the moves since then undone (the history is a chain)."""
        count: dict[tuple[str, str], int] = defaultdict(int)
        value: dict[tuple[str, str], int] = defaultdict(int)
        weighted: dict[tuple[str, str], int] = defaultdict(int)  # minor units x percent

        def add(stage: str, cur: str, n: int, minor, weight) -> None:
            count[stage, cur] += n
            value[stage, cur] += int(minor)
            weighted[stage, cur] += int(weight)

        for stage, cur, prob, n, total in self._open_deals_now():
            add(stage, cur, n, total, int(total) * _probability(prob, stage))
        # going back in time: undo each move since then. A deal's weighted value in a stage
        # uses its own probability if it is in that stage now, else the stage's default:
        # summed over its moves, that gives exactly its weighted value then minus now.
        for bucket, frm, to, cur, now, prob, n, total in self._deal_moves():
            if bucket < k:
                continue
            total = int(total)
            if to in OPEN_DEAL_STAGES:
                add(to, cur, -n, -total, -total * _probability(prob if to == now else None, to))
            if frm in OPEN_DEAL_STAGES:
                add(frm, cur, n, total, total * _probability(prob if frm == now else None, frm))

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
        """(bucket, stage, currency, count, value, sum of days from creation to closing) of
        the won and lost deals closed since the period before the previous one; bucket 0 is
        that period, 1 the previous one, 2 the current one."""

        def load():
            lo2 = self.lo - (self.until - self.since)
            bucket = case(
                (Deal.closed_at < self.lo, 0), (Deal.closed_at < self.since, 1), else_=2
            ).label("bucket")
            days = seconds_between(self.s, Deal.closed_at, Deal.created_at) / 86400.0
            return self._grouped(
                (bucket, Deal.stage, Deal.currency),
                (
                    func.count(),
                    func.coalesce(func.sum(Deal.value_minor), 0),
                    func.coalesce(func.sum(days), 0),
                ),
                Deal.closed_at >= lo2,
                Deal.closed_at < self.until,
                # `stage || ''`: read by the closed_at range, not by every won/lost deal
                Deal.stage.concat("").in_(("won", "lost")),
                self._owned(Deal.owner),
            )

        return self._once("closed", load)

    def _won_value(self, bucket: int) -> dict[str, int]:
        won: dict[str, int] = defaultdict(int)
        for b, stage, cur, _n, minor, _days in self._closed_deals():
            if stage == "won" and b == bucket:
                won[cur] += int(minor)
        return won

    def sales(self, k: int) -> dict[str, Any]:
        won = lost = 0
        won_n: dict[str, int] = defaultdict(int)
        lost_value: dict[str, int] = defaultdict(int)
        cycle_days = 0.0
        for b, stage, cur, n, minor, days in self._closed_deals():
            if b != k + 1:
                continue
            if stage == "won":
                won += n
                won_n[cur] += n
                cycle_days += float(days)
            else:
                lost += n
                lost_value[cur] += int(minor)
        won_value = self._won_value(k + 1)
        before = self._won_value(k)
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
            "avg_sales_cycle_days": round(cycle_days / won, 2) if won else None,
            "sales_growth": growth,
        }

    def _won_totals(self):
        """Per currency: (won value, buyers) before `since` and before `until`, in one read."""

        def load():
            before = Deal.closed_at < self.since
            rows = self._grouped(
                (Deal.currency,),
                (
                    func.coalesce(func.sum(case((before, Deal.value_minor), else_=0)), 0),
                    func.count(func.distinct(case((before, Deal.contact_id), else_=None))),
                    func.coalesce(func.sum(Deal.value_minor), 0),
                    func.count(func.distinct(Deal.contact_id)),
                ),
                Deal.stage == "won",
                Deal.contact_id.is_not(None),  # a deleted contact's deals have no customer
                Deal.closed_at < self.until,
                self._owned(Deal.owner),
            )
            return sorted(rows)

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

    def _owned_contact(self, stmt, contact_id):
        if not self.owner:
            return stmt
        return stmt.join(Contact, Contact.id == contact_id).where(self._owned(Contact.owner))

    def _customers_now(self) -> int:
        stmt = _where(
            select(func.count()).select_from(Contact),
            Contact.stage == "customer",
            self._owned(Contact.owner),
        )
        return self._once("customers_now", lambda: self.s.execute(stmt).scalar_one())

    def _contact_figures(self) -> dict[int, _ContactFigures]:
        """The contact figures of each bucket, from one range read of the stage changes
        since `lo` on the covering index on `changed_at`: only the changes into 'lead' or
        'customer' or out of 'customer' (their bucket computed in SQL, so no timestamp is
        parsed). Plain loops over them are cheaper here than SQLite grouping them.

        The history is a chain, so a contact entering 'customer' was none at the bucket's
        start unless it left 'customer' earlier in the bucket (to leave it after the start
        without having been one, it would have entered it first), and whether it is one at
        the end is told by the latest of these changes.
        """

        def load():
            c = ContactStageChange
            stmt = self._owned_contact(
                select(c.contact_id, self._bucket(c.changed_at), c.from_stage, c.to_stage),
                c.contact_id,
            )
            stmt = stmt.where(
                c.changed_at >= self.lo,
                or_(c.from_stage == "customer", c.to_stage.in_(("customer", "lead"))),
            ).order_by(c.changed_at, c.id)
            left, entered = [0, 0, 0], [0, 0, 0]
            leavers: tuple[set, ...] = (set(), set(), set())
            churned: tuple[set, ...] = (set(), set(), set())
            leads: tuple[set, ...] = (set(), set(), set())
            converted: tuple[set, ...] = (set(), set(), set())
            #: new customers -> whether they are customers after the latest change
            new: tuple[dict, ...] = ({}, {}, {})
            for rid, b, frm, to in self.s.execute(stmt).all():  # in time order
                if frm == "customer":
                    left[b] += 1
                    leavers[b].add(rid)
                    if to == "churned":
                        churned[b].add(rid)
                    if rid in new[b]:
                        new[b][rid] = False
                if to == "customer":
                    entered[b] += 1
                    if rid in new[b] or rid not in leavers[b]:
                        new[b][rid] = True
                    if rid in leads[b]:
                        converted[b].add(rid)
                elif to == "lead":
                    leads[b].add(rid)
            return {
                b: _ContactFigures(
                    left=left[b],
                    entered=entered[b],
                    churned=len(churned[b]),
                    new_leads=len(leads[b]),
                    converted=len(converted[b]),
                    new_customers=len(new[b]),
                    new_still_customers=sum(new[b].values()),
                )
                for b in (PREV, CUR, AFTER)
            }

        return self._once("contact_figures", load)

    def _customers_at(self, k: int) -> int:
        """How many contacts are customers at the start of bucket k: now, with the changes
        since then undone."""
        total = self._customers_now()
        for b in range(k, AFTER + 1):
            figures = self._contact_figures()[b]
            total += figures.left - figures.entered
        return total

    def leads(self, k: int) -> dict[str, Any]:
        figures = self._contact_figures()[k]
        return {
            "new_leads": figures.new_leads,
            "converted": figures.converted,
            "conversion_rate": _ratio(figures.converted, figures.new_leads),
        }

    def customers(self, k: int) -> dict[str, Any]:
        start, end = self._customers_at(k), self._customers_at(k + 1)
        figures = self._contact_figures()[k]
        return {
            "customers_at_start": start,
            "customers_at_end": end,
            "new_customers": figures.new_customers,
            "churned_customers": figures.churned,
            "retention_rate": _ratio(end - figures.new_still_customers, start),
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
            self._owned(Interaction.logged_by),
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
        owned = self._owned(Case.owner)
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
        resolved, seconds = self.s.execute(
            _where(
                select(
                    func.count(),
                    func.sum(seconds_between(self.s, Case.resolved_at, Case.opened_at)),
                ),
                Case.status == "resolved",
                Case.resolved_at >= p.since,
                Case.resolved_at < p.until,
                owned,
            )
        ).one()
        return {
            "cases_opened": opened,
            "cases_resolved": resolved,
            "cases_open": still_open,
            "avg_resolution_hours": round(float(seconds) / 3600 / resolved, 2)
            if resolved
            else None,
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
                _where(
                    select(Task.due_at).distinct(),
                    Task.done_at >= self.lo,
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
                params: dict[str, Any] = {"lo": self.lo, "since": self.since, "until": self.until}
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
            stmt = _where(select(func.count()).select_from(Task), cond, owned)
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
