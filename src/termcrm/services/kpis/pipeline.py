"""Pipeline figures: open deals by stage, value and weighted value, as of a period's end."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_

from termcrm.services.kpis._base import (
    money_map,
    probability,
)
from termcrm.store.models import (
    Deal,
    DealStageChange,
)
from termcrm.vocab import OPEN_DEAL_STAGES


class PipelineFigures:
    """Pipeline figures: open deals by stage, value and weighted value, as of a period's end."""

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
        value) of the deal stage changes since the end of the first period computed into or
        out of an open stage (the pipeline is wanted at the end of each period), grouped.
        With the current period alone that is only what changed after `until`: nothing,
        unless the clock of another writer runs ahead."""

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
                change.changed_at >= self.starts[self.computed[0] + 1],
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
            add(stage, cur, n, total, int(total) * probability(prob, stage))
        # going back in time: undo each move since then. A deal's weighted value in a stage
        # uses its own probability if it is in that stage now, else the stage's default:
        # summed over its moves, that gives exactly its weighted value then minus now.
        for bucket, frm, to, cur, now, prob, n, total in self._deal_moves():
            if bucket < k:
                continue
            total = int(total)
            if to in OPEN_DEAL_STAGES:
                add(to, cur, -n, -total, -total * probability(prob if to == now else None, to))
            if frm in OPEN_DEAL_STAGES:
                add(frm, cur, n, total, total * probability(prob if frm == now else None, frm))

        def per_currency(source, stage: str | None = None, scale: int = 1) -> dict[str, str]:
            total: dict[str, int] = defaultdict(int)
            for (st, cur), n in count.items():
                if n and (stage is None or st == stage):
                    total[cur] += source[st, cur]
            return money_map({c: Decimal(v) / scale for c, v in total.items()})

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
