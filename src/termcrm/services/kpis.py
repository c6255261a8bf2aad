"""The KPI report: every figure of `termcrm report` (and of the TUI dashboard), UI-free.

Entry point: `compute(session, since=..., until=..., owner=None) -> Report`. Each figure is
computed for the period [since, until) and for the previous period of the same length
[since - (until - since), since). The formulas are pinned in docs/kpis.md.

How it stays fast on large databases: nothing scans a whole table. Counts are index range
counts (interactions by kind and week come from one covering range over
`ix_interactions_kind_occurred`); the state of contacts and deals *as of* a past moment is
the current state corrected by the (few) stage changes since that moment, read from the
`changed_at` index of the history tables.

Conventions: the state "as of T" is the state after every change strictly before T, so the
state at the start of a period plus the changes in it gives the state at its end. Money is
never added across currencies: money figures are `{currency: "decimal string"}`. Rates are
fractions (0..1); a division by zero gives None.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import and_, case, func, or_, select
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
from termcrm.vocab import ALL_INTERACTION_KINDS, OPEN_DEAL_STAGES, STAGE_PROBABILITY

SECTIONS = ("pipeline", "sales", "leads", "customers", "satisfaction", "service", "activity")
DEFAULT_DAYS = 30
_CENT = Decimal("0.01")
_TICK = timedelta(microseconds=1)


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
    of day (and the default end, now) includes that very moment: the period stops 1 µs
    after it, so what was logged just now counts.
    """
    end = dates.now() + _TICK
    if until:
        w = dates.parse_when(until, backwards=True)
        end = w.at + _TICK if w.has_time else dates.local_midnight(w.local_date + timedelta(days=1))
    start = end - _TICK - timedelta(days=days)
    if since:
        start = dates.parse_when(since, backwards=True).at
    if start >= end:
        raise Invalid(
            f"The period is empty: --since ({dates.show(start)}) must be before "
            f"--until ({dates.show(end)})"
        )
    return Period(start, end)


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
    ctx = _Context(session, period, owner)
    report = Report(period=period, owner=owner)
    for target, k in ((report.current, CUR), (report.previous, PREV)):
        target["pipeline"] = ctx.pipeline(k + 1)
        target["sales"] = ctx.sales(k)
        target["leads"] = ctx.leads(k)
        target["customers"] = ctx.customers(k)
        target["satisfaction"] = ctx.satisfaction(k)
        target["service"] = ctx.service(k)
        target["activity"] = ctx.activity(k)
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


def _chunks(ids: list[int], size: int = 5000):
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


class _History:
    """The stage changes since the previous period began, of the records that changed then.

    Each change carries its bucket (PREV, CUR or AFTER) instead of its time, computed in
    SQL, so no timestamp is parsed in Python. `stages[rid]` holds the record's stage at the
    start of each bucket (None when it did not exist yet) and its stage now. Records without
    changes since then kept their current stage all along.
    """

    def __init__(self, rows) -> None:
        """`rows`: (record id, bucket, from_stage, to_stage), in time order."""
        self.rows: dict[int, list[tuple[int, str]]] = {}
        #: record id -> [stage at the start of PREV, of CUR, of AFTER, stage now]
        self.stages: dict[int, list[str | None]] = {}
        #: bucket -> [(record id, position in its history, from_stage, to_stage)]
        self.changes: tuple[list, list, list] = ([], [], [])
        rows_of, stages = self.rows, self.stages
        for rid, bucket, frm, to in rows:
            st = stages.get(rid)
            if st is None:
                st = stages[rid] = [frm, frm, frm, frm]
                mine = rows_of[rid] = []
            else:
                mine = rows_of[rid]
            self.changes[bucket].append((rid, len(mine), frm, to))
            mine.append((bucket, to))
            st[bucket + 1 :] = [to] * (AFTER + 1 - bucket)

    def count_at(self, k: int, stage: str) -> int:
        """How many of these records were in `stage` at the start of bucket k, minus now."""
        return sum(st[k] == stage for st in self.stages.values()) - sum(
            st[-1] == stage for st in self.stages.values()
        )

    def changes_in(self, k: int, to_stage: str, from_stage: str | None = "*"):
        """(record id, position in its history) of each change into `to_stage` in bucket k."""
        for rid, pos, frm, to in self.changes[k]:
            if to == to_stage and from_stage in ("*", frm):
                yield rid, pos


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

    def _deal_info(self, ids: list[int]) -> dict[int, tuple[str, int, int | None]]:
        """currency, value_minor, probability of the given deals."""
        info = self._cache.setdefault("deal_info", {})
        missing = sorted(set(ids) - set(info))
        for chunk in _chunks(missing):
            stmt = select(Deal.id, Deal.currency, Deal.value_minor, Deal.probability).where(
                Deal.id.in_(chunk)
            )
            info.update({r[0]: tuple(r[1:]) for r in self.s.execute(stmt)})
        return info

    def pipeline(self, k: int) -> dict[str, Any]:
        """Open deals at the start of bucket k (the end of a period), by stage and currency."""
        history = self._deal_history()
        count: dict[tuple[str, str], int] = defaultdict(int)
        value: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        weighted: dict[tuple[str, str], Decimal] = defaultdict(Decimal)

        def add(stage: str, cur: str, minor: int, prob: int | None, n: int, sign: int) -> None:
            count[stage, cur] += sign * n
            value[stage, cur] += sign * minor
            weighted[stage, cur] += Decimal(sign * minor * _probability(prob, stage)) / 100

        for stage, cur, prob, n, total in self._open_deals_now():
            add(stage, cur, int(total), prob, n, 1)
        # correct the current state by the deals that changed since then
        moved = {}
        for rid, stages in history.stages.items():
            now, then = stages[-1], stages[k]
            if now != then and (now in OPEN_DEAL_STAGES or then in OPEN_DEAL_STAGES):
                moved[rid] = (now, then)
        info = self._deal_info(list(moved))
        for rid, (now, then) in moved.items():
            if rid not in info:
                continue
            cur, minor, prob = info[rid]
            if now in OPEN_DEAL_STAGES:
                add(now, cur, minor, prob, 1, -1)
            if then in OPEN_DEAL_STAGES:
                add(then, cur, minor, None, 1, 1)

        def per_currency(source, stage: str | None = None) -> dict[str, str]:
            total: dict[str, Decimal] = defaultdict(Decimal)
            for (st, cur), n in count.items():
                if n and (stage is None or st == stage):
                    total[cur] += source[st, cur]
            return _money_map(total)

        return {
            "open_deals": sum(count.values()),
            "open_value": per_currency(value),
            "weighted_value": per_currency(weighted),
            "by_stage": {
                stage: {
                    "deals": sum(n for (st, _c), n in count.items() if st == stage),
                    "value": per_currency(value, stage),
                    "weighted_value": per_currency(weighted, stage),
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
                Deal.stage.in_(("won", "lost")),
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

    def _clv(self, at: datetime) -> dict[str, Any]:
        """Won value before `at` per customer who ever had a won deal, per currency."""
        stmt = _where(
            select(
                Deal.currency,
                func.coalesce(func.sum(Deal.value_minor), 0),
                func.count(func.distinct(Deal.contact_id)),
            ),
            Deal.stage == "won",
            Deal.closed_at < at,
            _owned(Deal.owner, self.owner),
        ).group_by(Deal.currency)
        clv, won, buyers = {}, {}, {}
        for cur, total, n in sorted(self.s.execute(stmt)):
            won[cur] = _money(int(total))
            buyers[cur] = n
            if n:
                clv[cur] = _money(Decimal(int(total)) / n)
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
        history = self._contact_history()
        became_lead: dict[int, int] = {}
        for rid, pos in history.changes_in(k, "lead"):
            became_lead.setdefault(rid, pos)
        converted = sum(
            1
            for rid, pos in became_lead.items()
            if any(to == "customer" and bucket <= k for bucket, to in history.rows[rid][pos + 1 :])
        )
        return {
            "new_leads": len(became_lead),
            "converted": converted,
            "conversion_rate": _ratio(converted, len(became_lead)),
        }

    def customers(self, k: int) -> dict[str, Any]:
        history = self._contact_history()
        start, end = self._customers_at(k), self._customers_at(k + 1)
        new = {
            rid
            for rid, _pos in history.changes_in(k, "customer")
            if history.stages[rid][k] != "customer"
        }
        new_at_end = sum(1 for rid in new if history.stages[rid][k + 1] == "customer")
        churned = {rid for rid, _pos in history.changes_in(k, "churned", "customer")}
        return {
            "customers_at_start": start,
            "customers_at_end": end,
            "new_customers": len(new),
            "churned_customers": len(churned),
            "retention_rate": _ratio(end - new_at_end, start),
            **self._clv(self.periods[k].until),
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
        """{(kind, week index): count} over the weeks of both periods.

        One statement of index range counts on `ix_interactions_kind_occurred` (covering
        unless filtered by owner): far cheaper than grouping the rows of the range.
        """

        def load():
            weeks = [self._weeks(p) for p in self.periods]
            keys, counts = [], []
            for kind in ALL_INTERACTION_KINDS:
                for k, period_weeks in enumerate(weeks):
                    for i, w in enumerate(period_weeks):
                        stmt = _where(
                            select(func.count()).select_from(Interaction),
                            Interaction.kind == kind,
                            Interaction.occurred_at >= w.since,
                            Interaction.occurred_at < w.until,
                            _owned(Interaction.logged_by, self.owner),
                        )
                        keys.append((kind, k, i))
                        counts.append(stmt.scalar_subquery())
            row = self.s.execute(select(*counts)).one()
            return weeks, dict(zip(keys, row, strict=True))

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
        """Tasks not done at `at` whose deadline had passed: a due date before that day, or a
        due time before `at`. Uses the tasks' current due dates."""
        day_start = dates.local_midnight(dates.to_local(at).date())
        owned = _owned(Task.owner, self.owner)
        total = 0
        for not_done in (Task.done_at.is_(None), Task.done_at >= at):
            for cond in (
                Task.due_at < day_start,  # a date or time before that day: overdue either way
                and_(Task.due_at >= day_start, Task.due_at < at, Task.due_has_time),
            ):
                stmt = _where(select(func.count()).select_from(Task), not_done, cond, owned)
                total += self.s.execute(stmt).scalar_one()
        return total


def _deadline(due: datetime, has_time: bool) -> datetime:
    """A task due on a date (no time) is on time until that local day ends."""
    if has_time:
        return due
    return dates.local_midnight(dates.to_local(due).date() + timedelta(days=1))
