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
    `--since 2026-11-01 --until 2026-11-30` covers the whole of November.
    """
    end = dates.now()
    if until:
        w = dates.parse_when(until, backwards=True)
        end = w.at if w.has_time else dates.local_midnight(w.local_date + timedelta(days=1))
    start = end - timedelta(days=days)
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
    prev = period.previous
    owner = owner.strip().lower() if owner and owner.strip() else None
    ctx = _Context(session, period, owner)
    report = Report(period=period, owner=owner)
    for target, p in ((report.current, period), (report.previous, prev)):
        target["pipeline"] = ctx.pipeline(p.until)
        target["sales"] = ctx.sales(p)
        target["leads"] = ctx.leads(p)
        target["customers"] = ctx.customers(p)
        target["satisfaction"] = ctx.satisfaction(p)
        target["service"] = ctx.service(p)
        target["activity"] = ctx.activity(p)
    return report


# -- helpers ----------------------------------------------------------------------------------


def _ratio(num: float, den: float, places: int = 4) -> float | None:
    return None if not den else round(num / den, places)


def _money(minor: Decimal | int) -> str:
    return str((Decimal(minor) / 100).quantize(_CENT, rounding=ROUND_HALF_UP))


def _money_map(by_cur: dict[str, Decimal | int]) -> dict[str, str]:
    return {cur: _money(v) for cur, v in sorted(by_cur.items())}


def _owned(column, owner: str | None):
    return func.lower(column) == owner if owner else None


def _where(stmt, *conds):
    conds = [c for c in conds if c is not None]
    return stmt.where(*conds) if conds else stmt


def _probability(prob: int | None, stage: str) -> int:
    return prob if prob is not None else STAGE_PROBABILITY.get(stage, 0)


class _History:
    """Stage changes since `lo` of the records that changed then, to know any state after `lo`.

    `stage_at(rid, T)` for T >= lo: the stage after every change strictly before T (None when
    the record did not exist yet). Records without changes since `lo` kept their stage.
    """

    def __init__(self, rows) -> None:
        self.rows: dict[int, list[tuple[datetime, str | None, str]]] = defaultdict(list)
        for rid, changed_at, from_stage, to_stage in rows:
            self.rows[rid].append((changed_at, from_stage, to_stage))

    def stage_at(self, rid: int, at: datetime) -> str | None:
        changes = self.rows[rid]
        stage = changes[0][1]
        for changed_at, _from, to in changes:
            if changed_at >= at:
                break
            stage = to
        return stage

    def changes_in(self, p: Period, to_stage: str, from_stage: str | None = "*"):
        """(record id, changed_at) of each change into `to_stage` during `p`."""
        for rid, changes in self.rows.items():
            for changed_at, frm, to in changes:
                if to == to_stage and changed_at in p and from_stage in ("*", frm):
                    yield rid, changed_at


class _Context:
    """Reads each table once for both periods; the section methods only aggregate."""

    def __init__(self, session: Session, period: Period, owner: str | None) -> None:
        self.s = session
        self.period = period
        self.owner = owner
        self.lo = period.previous.since
        self._deals = None
        self._contacts = None
        self._closed = None
        self._surveys = None
        self._interactions = None

    # -- deals ---------------------------------------------------------------------------------

    def _deal_history(self):
        """(history, {deal id: (stage, currency, value_minor, probability)}) since `lo`."""
        if self._deals is None:
            changed = select(DealStageChange.deal_id).where(DealStageChange.changed_at >= self.lo)
            info_stmt = _where(
                select(Deal.id, Deal.stage, Deal.currency, Deal.value_minor, Deal.probability),
                Deal.id.in_(changed),
                _owned(Deal.owner, self.owner),
            )
            info = {r[0]: tuple(r[1:]) for r in self.s.execute(info_stmt)}
            rows = self.s.execute(
                select(
                    DealStageChange.deal_id,
                    DealStageChange.changed_at,
                    DealStageChange.from_stage,
                    DealStageChange.to_stage,
                )
                .where(DealStageChange.changed_at >= self.lo)
                .order_by(DealStageChange.deal_id, DealStageChange.changed_at, DealStageChange.id)
            )
            self._deals = (_History(r for r in rows if r[0] in info), info)
        return self._deals

    def pipeline(self, at: datetime) -> dict[str, Any]:
        """Open deals as of `at`, by stage: counts, value and weighted value per currency."""
        history, info = self._deal_history()
        count: dict[tuple[str, str], int] = defaultdict(int)
        value: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        weighted: dict[tuple[str, str], Decimal] = defaultdict(Decimal)

        def add(stage: str, cur: str, minor: int, prob: int | None, n: int, sign: int) -> None:
            count[stage, cur] += sign * n
            value[stage, cur] += sign * minor
            weighted[stage, cur] += Decimal(sign * minor * _probability(prob, stage)) / 100

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
        for stage, cur, prob, n, total in self.s.execute(stmt):
            add(stage, cur, int(total), prob, n, 1)
        # correct the current state by the deals that changed since `at`
        for rid in history.rows:
            stage, cur, minor, prob = info[rid]
            then = history.stage_at(rid, at)
            if then == stage:
                continue
            if stage in OPEN_DEAL_STAGES:
                add(stage, cur, minor, prob, 1, -1)
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
        """Won and lost deals closed since two periods before the current one."""
        if self._closed is None:
            lo2 = self.lo - self.period.length
            stmt = _where(
                select(
                    Deal.stage, Deal.currency, Deal.value_minor, Deal.created_at, Deal.closed_at
                ),
                Deal.closed_at >= lo2,
                Deal.closed_at < self.period.until,
                Deal.stage.in_(("won", "lost")),
                _owned(Deal.owner, self.owner),
            )
            self._closed = list(self.s.execute(stmt))
        return self._closed

    def _won_value(self, p: Period) -> dict[str, int]:
        won: dict[str, int] = defaultdict(int)
        for stage, cur, minor, _created, closed in self._closed_deals():
            if stage == "won" and closed in p:
                won[cur] += minor
        return won

    def sales(self, p: Period) -> dict[str, Any]:
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

    # -- contacts ------------------------------------------------------------------------------

    def _contact_history(self):
        if self._contacts is None:
            changed = select(ContactStageChange.contact_id).where(
                ContactStageChange.changed_at >= self.lo
            )
            info_stmt = _where(
                select(Contact.id, Contact.stage),
                Contact.id.in_(changed),
                _owned(Contact.owner, self.owner),
            )
            info = dict(self.s.execute(info_stmt).all())
            rows = self.s.execute(
                select(
                    ContactStageChange.contact_id,
                    ContactStageChange.changed_at,
                    ContactStageChange.from_stage,
                    ContactStageChange.to_stage,
                )
                .where(ContactStageChange.changed_at >= self.lo)
                .order_by(
                    ContactStageChange.contact_id,
                    ContactStageChange.changed_at,
                    ContactStageChange.id,
                )
            )
            stmt = _where(
                select(func.count()).select_from(Contact),
                Contact.stage == "customer",
                _owned(Contact.owner, self.owner),
            )
            customers_now = self.s.execute(stmt).scalar_one()
            self._contacts = (_History(r for r in rows if r[0] in info), info, customers_now)
        return self._contacts

    def _customers_at(self, at: datetime) -> int:
        """How many contacts are customers as of `at`, and which of the changed ones."""
        history, info, now_count = self._contact_history()
        count = now_count
        for rid in history.rows:
            if info[rid] == "customer":
                count -= 1
            if history.stage_at(rid, at) == "customer":
                count += 1
        return count

    def leads(self, p: Period) -> dict[str, Any]:
        history, _info, _n = self._contact_history()
        became_lead: dict[int, datetime] = {}
        for rid, at in history.changes_in(p, "lead"):
            became_lead[rid] = min(at, became_lead.get(rid, at))
        converted = 0
        for rid, at in became_lead.items():
            if any(
                to == "customer" and at <= changed_at < p.until
                for changed_at, _f, to in history.rows[rid]
            ):
                converted += 1
        return {
            "new_leads": len(became_lead),
            "converted": converted,
            "conversion_rate": _ratio(converted, len(became_lead)),
        }

    def customers(self, p: Period) -> dict[str, Any]:
        history, _info, _n = self._contact_history()
        start = self._customers_at(p.since)
        end = self._customers_at(p.until)
        new = {
            rid
            for rid, _at in history.changes_in(p, "customer")
            if history.stage_at(rid, p.since) != "customer"
        }
        new_at_end = sum(1 for rid in new if history.stage_at(rid, p.until) == "customer")
        churned = {rid for rid, _at in history.changes_in(p, "churned", "customer")}
        return {
            "customers_at_start": start,
            "customers_at_end": end,
            "new_customers": len(new),
            "churned_customers": len(churned),
            "retention_rate": _ratio(end - new_at_end, start),
            **self._clv(p.until),
        }

    def _clv(self, at: datetime) -> dict[str, Any]:
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
        for cur, total, n in self.s.execute(stmt):
            won[cur] = _money(int(total))
            buyers[cur] = n
            if n:
                clv[cur] = _money(Decimal(int(total)) / n)
        return {"clv": clv, "lifetime_won_value": won, "clv_customers": buyers}

    # -- satisfaction --------------------------------------------------------------------------

    def _survey_rows(self):
        if self._surveys is None:
            stmt = _where(
                select(
                    Interaction.contact_id,
                    Interaction.occurred_at,
                    Interaction.id,
                    Interaction.metric,
                    Interaction.score,
                ),
                Interaction.kind == "survey",
                Interaction.occurred_at >= self.lo,
                Interaction.occurred_at < self.period.until,
                Interaction.score.is_not(None),
                _owned(Interaction.logged_by, self.owner),
            )
            self._surveys = list(self.s.execute(stmt))
        return self._surveys

    def satisfaction(self, p: Period) -> dict[str, Any]:
        latest: dict[int, tuple[datetime, int, int]] = {}
        csat_n = csat_ok = 0
        for contact_id, at, iid, metric, score in self._survey_rows():
            if at not in p:
                continue
            if metric == "nps":
                if contact_id not in latest or (at, iid) > latest[contact_id][:2]:
                    latest[contact_id] = (at, iid, score)
            elif metric == "csat":
                csat_n += 1
                csat_ok += score >= 4
        scores = [s for _at, _id, s in latest.values()]
        promoters = sum(1 for s in scores if s >= 9)
        detractors = sum(1 for s in scores if s <= 6)
        nps = _ratio(100 * (promoters - detractors), len(scores), 1)
        return {
            "nps": nps,
            "nps_responses": len(scores),
            "promoters": promoters,
            "passives": len(scores) - promoters - detractors,
            "detractors": detractors,
            "csat": _ratio(csat_ok, csat_n),
            "csat_responses": csat_n,
        }

    # -- service -------------------------------------------------------------------------------

    def service(self, p: Period) -> dict[str, Any]:
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

    def _weeks(self, p: Period) -> list[Period]:
        """7-day buckets ending at the period's end; the oldest may be shorter."""
        weeks, end = [], p.until
        while end > p.since:
            start = max(end - timedelta(days=7), p.since)
            weeks.append(Period(start, end))
            end = start
        return weeks[::-1]

    def _interaction_counts(self):
        """{(kind, bucket index): count} over the weeks of both periods, in one range read."""
        if self._interactions is None:
            buckets = self._weeks(self.period.previous) + self._weeks(self.period)
            bucket = case(
                *[(Interaction.occurred_at < b.until, i) for i, b in enumerate(buckets)],
                else_=len(buckets),
            )
            stmt = _where(
                select(Interaction.kind, bucket, func.count()),
                Interaction.kind.in_(ALL_INTERACTION_KINDS),
                Interaction.occurred_at >= self.lo,
                Interaction.occurred_at < self.period.until,
                _owned(Interaction.logged_by, self.owner),
            ).group_by(Interaction.kind, bucket)
            counts = {(kind, b): n for kind, b, n in self.s.execute(stmt)}
            self._interactions = (buckets, counts)
        return self._interactions

    def activity(self, p: Period) -> dict[str, Any]:
        buckets, counts = self._interaction_counts()
        mine = [(i, b) for i, b in enumerate(buckets) if p.since <= b.since < p.until]
        by_kind = {
            kind: sum(counts.get((kind, i), 0) for i, _b in mine) for kind in ALL_INTERACTION_KINDS
        }
        per_week = [
            {
                "start": dates.iso(b.since),
                "end": dates.iso(b.until),
                "interactions": sum(counts.get((k, i), 0) for k in ALL_INTERACTION_KINDS),
            }
            for i, b in mine
        ]
        return {
            "interactions": sum(by_kind.values()),
            "by_kind": by_kind,
            "per_week": per_week,
            **self._tasks(p),
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
        # overdue as of the end of the period: open then, and its deadline passed before it
        at = p.until
        today_start = dates.local_midnight(dates.to_local(at).date())
        overdue = self.s.execute(
            _where(
                select(func.count()).select_from(Task),
                or_(Task.done_at.is_(None), Task.done_at >= at),
                Task.created_at < at,
                or_(
                    and_(Task.due_has_time, Task.due_at < at),
                    and_(~Task.due_has_time, Task.due_at < today_start),
                ),
                owned,
            )
        ).scalar_one()
        return {
            "tasks_completed": len(done),
            "tasks_on_time": len(done) - late,
            "tasks_late": late,
            "overdue_tasks": overdue,
        }


def _deadline(due: datetime, has_time: bool) -> datetime:
    """A task due on a date (no time) is on time until that local day ends."""
    if has_time:
        return due
    return dates.local_midnight(dates.to_local(due).date() + timedelta(days=1))
