"""Satisfaction figures: NPS and CSAT from survey answers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from termcrm.services.kpis._base import (
    ratio,
    where,
)
from termcrm.store.models import (
    Interaction,
)


class SatisfactionFigures:
    """Satisfaction figures: NPS and CSAT from survey answers."""

    def _survey_rows(self):
        """(contact, bucket, metric, score) of the answers of both periods, in time order."""
        stmt = where(
            select(
                Interaction.contact_id,
                self._bucket(Interaction.occurred_at),
                Interaction.metric,
                Interaction.score,
            ),
            Interaction.kind == "survey",
            Interaction.occurred_at >= self.first,
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
            "nps": ratio(100 * (promoters - detractors), len(scores), 1),
            "nps_responses": len(scores),
            "promoters": promoters,
            "passives": len(scores) - promoters - detractors,
            "detractors": detractors,
            "csat": ratio(csat_ok, csat_n),
            "csat_responses": csat_n,
        }
