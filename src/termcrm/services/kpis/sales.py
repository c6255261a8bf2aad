"""Sales figures: deals won and lost, win rate, cycle length, won value and lifetime value."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func

from termcrm.services.kpis._base import (
    money,
    money_map,
    ratio,
)
from termcrm.store.models import (
    Deal,
)
from termcrm.store.sqlfunc import seconds_between


class SalesFigures:
    """Sales figures: deals won and lost, win rate, cycle length, won value and lifetime value."""

    def _closed_deals(self):
        """(bucket, stage, currency, count, value, sum of days from creation to closing) of
        the won and lost deals closed since the period before the previous one; bucket 0 is
        that period, 1 the previous one, 2 the current one. Sales of a period need its
        bucket and the one before (the growth): the read starts there."""

        def load():
            lo2 = (self.lo - (self.until - self.since), self.lo)[self.computed[0]]
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
            cur: ratio(won_value.get(cur, 0) - before.get(cur, 0), before.get(cur, 0))
            for cur in sorted(set(won_value) | set(before))
        }
        return {
            "won": won,
            "lost": lost,
            "won_value": money_map(won_value),
            "lost_value": money_map(lost_value),
            "win_rate": ratio(won, won + lost),
            "avg_deal_size": {
                cur: money(Decimal(won_value[cur]) / n) for cur, n in sorted(won_n.items())
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
            won[cur] = money(total)
            buyers[cur] = n
            clv[cur] = money(Decimal(total) / n)
        return {"clv": clv, "lifetime_won_value": won, "clv_customers": buyers}
