"""The pipeline board, as the TUI shows it and `pipeline` prints it: per stage a count and
totals, and cards by pages.

A board of 50,000 open deals must open at once, so nothing here loads every deal: the
counts, the totals and the weighted totals per currency come from one aggregate query
(`summary`), and a column's cards a page at a time (`cards`; `pipeline` takes the first
page of each column for the command line). Open stages hold every open deal; won and lost
those closed in the last `BOARD_CLOSED_DAYS` days. Money is never added across currencies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from termcrm import dates
from termcrm.services import owners
from termcrm.services._query import icontains
from termcrm.services.deals import BOARD_CLOSED_DAYS, DealRow, weighted_minor_sql
from termcrm.store.models import Company, Contact, Deal
from termcrm.vocab import CLOSED_DEAL_STAGES, DEAL_STAGES

#: cards per page of a column
CARDS_PAGE = 30


@dataclass
class StageTotal:
    """A column's header: how many deals, their value and weighted value (value × the
    deal's probability, `deals.weighted_minor`) per currency, in minor units."""

    stage: str
    count: int = 0
    total: dict[str, int] = field(default_factory=dict)
    weighted: dict[str, int] = field(default_factory=dict)


def closed_since() -> datetime:
    """Won and lost deals closed since then are on the board."""
    return dates.now() - timedelta(days=BOARD_CLOSED_DAYS)


def _on_board(session: Session, stmt, owner: str | None, since: datetime | None = None):
    since = since or closed_since()
    stmt = stmt.where((col(Deal.closed_at).is_(None)) | (col(Deal.closed_at) >= since))
    return stmt.where(owners.condition(session, Deal.owner, owner)) if owner else stmt


def summary(
    session: Session,
    *,
    stages: tuple[str, ...] = DEAL_STAGES,
    owner: str | None = None,
    since: datetime | None = None,
) -> dict[str, StageTotal]:
    """Count, totals and weighted totals per currency of each of `stages`, in one GROUP BY
    query (won and lost: the deals closed `since`, by default `closed_since()`)."""
    out = {s: StageTotal(s) for s in stages}
    stmt = select(
        Deal.stage,
        Deal.currency,
        func.count(),
        func.sum(Deal.value_minor),
        func.sum(weighted_minor_sql()),
    ).where(col(Deal.stage).in_(stages))
    stmt = _on_board(session, stmt, owner, since).group_by(Deal.stage, Deal.currency)
    for stage, currency, n, value, weighted in session.exec(stmt).all():
        column = out[stage]
        column.count += n
        column.total[currency] = int(value or 0)
        column.weighted[currency] = int(weighted or 0)
    return out


def open_total(columns: dict[str, StageTotal]) -> dict[str, int]:
    """The open pipeline's value per currency: the open stages' totals added up."""
    out: dict[str, int] = {}
    for column in columns.values():
        if column.stage not in CLOSED_DEAL_STAGES:
            for currency, value in column.total.items():
                out[currency] = out.get(currency, 0) + value
    return out


def cards(
    session: Session,
    stage: str,
    *,
    offset: int = 0,
    limit: int = CARDS_PAGE,
    owner: str | None = None,
    since: datetime | None = None,
    closed_by_close: bool = False,
) -> list[DealRow]:
    """A page of a column's deals: open ones by expected close (soonest first, undated
    last), closed ones most recently closed first (`closed_by_close`: by expected close
    too, as `pipeline` has always listed them).

    Each order is read in two parts (the dated deals, then the undated ones) so that an
    index gives the rows in order: one `ORDER BY ... IS NULL, ...` made SQLite sort every
    deal of the stage for each page (~40 ms a column at 50,000 deals, against ~0.2 ms)."""
    since = since or closed_since()
    base = (
        select(Deal, Contact.name, Company.name)
        .outerjoin(Contact, Deal.contact_id == Contact.id)
        .outerjoin(Company, Deal.company_id == Company.id)
    )
    if owner:
        base = base.where(owners.condition(session, Deal.owner, owner))
    if stage in CLOSED_DEAL_STAGES and not closed_by_close:
        # `coalesce` keeps SQLite off the stage index, so it walks `ix_deals_closed_at`
        # (the last 30 days' closings) in order instead of sorting the stage's whole history
        base = base.where(func.coalesce(Deal.stage, "") == stage)
        dated = base.where(col(Deal.closed_at) >= since).order_by(
            col(Deal.closed_at).desc(), col(Deal.id).desc()
        )
        undated = base.where(col(Deal.closed_at).is_(None))
        undated = undated.order_by(col(Deal.id).desc())
        counted = col(Deal.closed_at) >= since
    else:
        base = _on_board(session, base.where(Deal.stage == stage), None, since)
        dated = base.where(col(Deal.expected_close).is_not(None)).order_by(
            Deal.expected_close, Deal.id
        )
        undated = base.where(col(Deal.expected_close).is_(None)).order_by(Deal.id)
        counted = col(Deal.expected_close).is_not(None)
    rows = list(session.exec(dated.offset(offset).limit(limit)).all())
    if len(rows) < limit:
        if rows or offset == 0:  # the dated part ends on this page: the undated part next
            skip = 0
        else:  # the page lies past the dated part: skip what of the undated part went before
            skip = (
                offset
                - session.exec(
                    select(func.count()).select_from(base.where(counted).subquery())
                ).one()
            )
        rest = undated.offset(max(0, skip)).limit(limit - len(rows))
        rows += session.exec(rest).all()
    return [DealRow(d, contact, company) for d, contact, company in rows]


@dataclass
class Column(StageTotal):
    """A column of `pipeline`: its header and its first cards."""

    deals: list[DealRow] = field(default_factory=list)


@dataclass
class Board:
    columns: list[Column]
    closed_since: datetime  # won/lost columns hold deals closed since then

    @property
    def open_total(self) -> dict[str, int]:
        return open_total({c.stage: c for c in self.columns})


def pipeline(session: Session, *, owner: str | None = None, per_column: int = 50) -> Board:
    """The whole board for `pipeline` (and `--json`): every stage's header from `summary`
    and its first `per_column` cards; never every deal."""
    since = closed_since()
    columns = []
    for head in summary(session, owner=owner, since=since).values():
        cards_ = (
            cards(session, head.stage, limit=per_column, owner=owner, since=since,
                  closed_by_close=True)
            if head.count
            else []
        )  # fmt: skip
        columns.append(Column(head.stage, head.count, head.total, head.weighted, cards_))
    return Board(columns, since)


@dataclass
class Moved:
    """A deal after a stage change, and the two columns it changed."""

    row: DealRow
    old_stage: str
    columns: dict[str, StageTotal]


def move(
    session: Session,
    deal_id: int,
    stage: str,
    *,
    reason: str | None = None,
    actor: str | None = None,
    owner: str | None = None,
) -> Moved:
    """Move a deal (`deals.move_deal`'s rules) and read back the two columns it changed."""
    from termcrm.services import deals, refs

    deal = refs.deal(session, deal_id)
    old = deal.stage
    deals.move_deal(session, deal, stage, reason=reason, actor=actor)
    columns = summary(session, stages=tuple(dict.fromkeys((old, deal.stage))), owner=owner)
    return Moved(deals.deal_row(session, deal), old, columns)


def find_deals(session: Session, text: str, *, limit: int = 5) -> list[DealRow]:
    """Deals whose title contains `text` (any letter case), open ones first."""
    stmt = (
        select(Deal, Contact.name, Company.name)
        .outerjoin(Contact, Deal.contact_id == Contact.id)
        .outerjoin(Company, Deal.company_id == Company.id)
        .where(icontains(Deal.title, text))
        .order_by(col(Deal.closed_at).is_not(None), Deal.title, Deal.id)
        .limit(limit)
    )
    return [DealRow(d, contact, company) for d, contact, company in session.exec(stmt).all()]
