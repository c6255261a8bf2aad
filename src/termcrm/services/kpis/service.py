"""Service figures: cases opened, resolved, open, and the time to resolve them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select

from termcrm.services.kpis._base import (
    where,
)
from termcrm.store.models import (
    Case,
)
from termcrm.store.sqlfunc import seconds_between


class ServiceFigures:
    """Service figures: cases opened, resolved, open, and the time to resolve them."""

    def service(self, k: int) -> dict[str, Any]:
        p = self.periods[k]
        owned = self._owned(Case.owner)
        opened = self.s.execute(
            where(
                select(func.count()).select_from(Case),
                Case.opened_at >= p.since,
                Case.opened_at < p.until,
                owned,
            )
        ).scalar_one()
        still_open = self.s.execute(
            where(
                select(func.count()).select_from(Case),
                Case.opened_at < p.until,
                or_(Case.resolved_at.is_(None), Case.resolved_at >= p.until),
                owned,
            )
        ).scalar_one()
        resolved, seconds = self.s.execute(
            where(
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
