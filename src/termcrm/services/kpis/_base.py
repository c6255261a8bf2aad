"""What every section of the KPI report shares: buckets, money, and the reads' cache."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import case, literal_column, select
from sqlalchemy.sql.elements import Label
from sqlmodel import Session

from termcrm.services import owners
from termcrm.services.kpis.period import Period
from termcrm.vocab import STAGE_PROBABILITY

#: bucket numbers of a moment: in the previous period, in the current one, after it
PREV, CUR, AFTER = 0, 1, 2
_CENT = Decimal("0.01")


def ratio(num: float, den: float, places: int = 4) -> float | None:
    return None if not den else round(num / den, places)


def money(minor: Decimal | int) -> str:
    return str((Decimal(minor) / 100).quantize(_CENT, rounding=ROUND_HALF_UP))


def money_map(by_cur: dict[str, Decimal | int]) -> dict[str, str]:
    return {cur: money(v) for cur, v in sorted(by_cur.items())}


def where(stmt, *conds):
    conds = [c for c in conds if c is not None]
    return stmt.where(*conds) if conds else stmt


def probability(prob: int | None, stage: str) -> int:
    return prob if prob is not None else STAGE_PROBABILITY.get(stage, 0)


def group_key(column):
    """A labelled expression is grouped by its name: repeating it would repeat its bound
    parameters, which PostgreSQL does not recognise as the same expression."""
    return literal_column(column.name) if isinstance(column, Label) else column


class Figures:
    """Reads each table once for both periods; the section methods only aggregate.

    The state at a past moment T uses the stage histories, which are chains: each change's
    `from_stage` is the previous change's `to_stage`, the first one (the creation) has none,
    and deleting a record deletes its history. So how many records were in a stage at T is
    how many are in it now plus, over the changes since T, those leaving it minus those
    entering it: conditional sums grouped by bucket, with no row of history read in Python.
    """

    def __init__(
        self, session: Session, period: Period, owner: str | None, *, previous: bool = True
    ) -> None:
        self.s = session.connection()  # Core rows: no ORM result processing
        self.owner = owner
        self.periods = (period.previous, period)
        #: the periods computed (PREV, CUR; or CUR alone): the reads start at the first one
        self.computed = (PREV, CUR) if previous else (CUR,)
        self.lo, self.since, self.until = period.previous.since, period.since, period.until
        #: the start of bucket k (PREV, CUR, AFTER) and its end
        self.starts = (self.lo, self.since, self.until)
        #: where the reads of the periods computed start
        self.first = self.starts[self.computed[0]]
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
        stmt = where(stmt, *conditions).group_by(*map(group_key, keys))
        return self.s.execute(stmt).all()
