"""Deals: creation, stage changes (with history), won/lost (the board: `services.board`).

Rules: moving a deal to `won` or `lost` sets `closed_at` (now); moving it back to an open
stage reopens it (clears `closed_at` and the lost reason). Every stage change is recorded in
`deal_stage_changes`. A deal's probability is the one given explicitly, else its stage's
default (`vocab.STAGE_PROBABILITY`); won is always 100 %, lost 0 %.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from termcrm import dates
from termcrm.errors import Invalid
from termcrm.services import owners, validate
from termcrm.services.companies import company_for
from termcrm.store.models import Company, Contact, Deal, DealStageChange
from termcrm.vocab import CLOSED_DEAL_STAGES, DEAL_STAGES, DEFAULT_CURRENCY, STAGE_PROBABILITY

#: won and lost deals show on the board for this long after closing
BOARD_CLOSED_DAYS = 30


def effective_probability(deal: Deal) -> int:
    if deal.stage in CLOSED_DEAL_STAGES:
        return STAGE_PROBABILITY[deal.stage]
    return deal.probability if deal.probability is not None else STAGE_PROBABILITY[deal.stage]


def weighted_minor(deal: Deal) -> int:
    """Value × probability, in minor units (rounded half up)."""
    return (deal.value_minor * effective_probability(deal) + 50) // 100


def weighted_minor_sql():
    """`weighted_minor` as SQL over the deals table, for sums in the database (the board's
    totals); `tests/test_services_board.py` pins the two together."""
    by_stage = case(STAGE_PROBABILITY, value=Deal.stage, else_=0)
    probability = case(
        (col(Deal.stage).in_(CLOSED_DEAL_STAGES), by_stage),
        else_=func.coalesce(Deal.probability, by_stage),
    )
    return (Deal.value_minor * probability + 50) // 100


def _close_date(close: str | None):
    if not (close or "").strip():
        return None
    return dates.parse_date(close, field="close")


def _record(session: Session, deal: Deal, old: str | None, actor: str | None) -> None:
    session.add(
        DealStageChange(
            deal_id=deal.id,
            from_stage=old,
            to_stage=deal.stage,
            changed_at=deal.closed_at or dates.now(),
            changed_by=actor,
        )
    )


def add_deal(
    session: Session,
    title: str,
    *,
    contact: Contact,
    value: str | int,
    currency: str | None = None,
    company: str | None = None,
    stage: str | None = None,
    probability: int | str | None = None,
    close: str | None = None,
    owner: str | None = None,
    actor: str | None = None,
    notes: str | None = None,
) -> Deal:
    """Create a deal for `contact` (its company unless `company` names another)."""
    checks = validate.Checks()  # every invalid value reported at once
    values = {
        "title": checks(validate.text, title, "title", required=True, max_len=200),
        "value_minor": checks(validate.amount_minor, value),
        "currency": checks(validate.currency, currency, DEFAULT_CURRENCY),
        "stage": checks(validate.choice, stage or "lead", DEAL_STAGES, "stage"),
        "probability": checks(validate.percent, probability),
        "expected_close": checks(_close_date, close),
        "owner": checks(validate.text, owner, "owner", max_len=100),
        "notes": checks(validate.text, notes, "notes", max_len=20000),
    }
    checks.done()
    stage = values["stage"]
    deal = Deal(contact_id=contact.id, **values)
    deal.owner = deal.owner or contact.owner or actor
    if company:
        deal.company_id = company_for(session, company).id
    else:
        deal.company_id = contact.company_id
    if stage in CLOSED_DEAL_STAGES:
        deal.closed_at = dates.now()
    session.add(deal)
    session.flush()
    _record(session, deal, None, actor)
    session.flush()
    return deal


def move_deal(
    session: Session,
    deal: Deal,
    stage: str,
    *,
    reason: str | None = None,
    actor: str | None = None,
) -> bool:
    """Move `deal` to `stage`; False when it is there already (nothing changes)."""
    stage = validate.choice(stage, DEAL_STAGES, "stage")
    if reason and stage != "lost":
        raise Invalid("A reason is only recorded when a deal is lost", field="reason")
    if stage == deal.stage:
        if stage == "lost" and reason:
            deal.lost_reason = validate.text(reason, "reason", max_len=500)
            session.add(deal)
            session.flush()
        return False
    old = deal.stage
    deal.stage = stage
    if stage in CLOSED_DEAL_STAGES:
        deal.closed_at = dates.now()
        deal.lost_reason = validate.text(reason, "reason", max_len=500) if stage == "lost" else None
    else:
        deal.closed_at = None
        deal.lost_reason = None
    deal.updated_at = dates.now()
    session.add(deal)
    session.flush()
    _record(session, deal, old, actor)
    session.flush()
    return True


def edit_deal(
    session: Session,
    deal: Deal,
    *,
    title: str | None = None,
    value: str | None = None,
    currency: str | None = None,
    probability: str | int | None = None,
    close: str | None = None,
    owner: str | None = None,
    contact: Contact | None = None,
    company: str | None = None,
    notes: str | None = None,
) -> Deal:
    """Change the given fields; `close=""`, `company=""`, `notes=""` clear them."""
    checks = validate.Checks()  # every invalid value reported at once
    given = {
        "title": (title, lambda v: validate.text(v, "title", required=True, max_len=200)),
        "value_minor": (value, validate.amount_minor),
        "currency": (currency, validate.currency),
        "probability": (probability, validate.percent),
        "expected_close": (close, _close_date),
        "owner": (owner, lambda v: validate.text(v, "owner", max_len=100)),
        "notes": (notes, lambda v: validate.text(v, "notes", max_len=20000)),
    }
    changes = {attr: checks(check, v) for attr, (v, check) in given.items() if v is not None}
    checks.done()
    for attr, new in changes.items():
        setattr(deal, attr, new)
    if contact is not None:
        deal.contact_id = contact.id
    if company is not None:
        deal.company_id = company_for(session, company).id if company.strip() else None
    deal.updated_at = dates.now()
    session.add(deal)
    session.flush()
    return deal


@dataclass
class DealRow:
    deal: Deal
    contact: str | None
    company: str | None


def list_deals(
    session: Session,
    *,
    stage: str | None = None,
    status: str | None = None,  # open | won | lost
    owner: str | None = None,
    contact: Contact | None = None,
    limit: int | None = None,
) -> list[DealRow]:
    """Deals, open ones by expected close date first, then the rest newest first."""
    stmt = (
        select(Deal, Contact.name, Company.name)
        .outerjoin(Contact, Deal.contact_id == Contact.id)
        .outerjoin(Company, Deal.company_id == Company.id)
    )
    if stage:
        stmt = stmt.where(Deal.stage == validate.choice(stage, DEAL_STAGES, "stage"))
    if status == "open":
        stmt = stmt.where(col(Deal.stage).notin_(CLOSED_DEAL_STAGES))
    elif status in CLOSED_DEAL_STAGES:
        stmt = stmt.where(Deal.stage == status)
    if owner:
        stmt = stmt.where(owners.condition(session, Deal.owner, owner))
    if contact is not None:
        stmt = stmt.where(Deal.contact_id == contact.id)
    stmt = stmt.order_by(
        col(Deal.closed_at).is_not(None),
        col(Deal.expected_close).is_(None),
        Deal.expected_close,
        col(Deal.closed_at).desc(),
        Deal.id,
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return [DealRow(d, c, co) for d, c, co in session.exec(stmt).all()]


def deal_row(session: Session, deal: Deal) -> DealRow:
    """A deal with its contact's and company's names."""
    contact = session.get(Contact, deal.contact_id) if deal.contact_id else None
    company = session.get(Company, deal.company_id) if deal.company_id else None
    return DealRow(deal, contact.name if contact else None, company.name if company else None)


def history(session: Session, deal: Deal) -> list[DealStageChange]:
    """The deal's stage changes, oldest first (the first is its creation)."""
    return list(
        session.exec(
            select(DealStageChange)
            .where(DealStageChange.deal_id == deal.id)
            .order_by(DealStageChange.changed_at, DealStageChange.id)
        ).all()
    )


def task_count(session: Session, deal: Deal) -> int:
    """How many tasks hang on `deal` (they go with it when it is deleted)."""
    from sqlalchemy import func

    from termcrm.store.models import Task

    return int(session.exec(select(func.count()).where(Task.deal_id == deal.id)).one())


def delete_deal(session: Session, deal: Deal, actor: str | None = None):
    """Move a deal with its tasks and stage history to the trash; returns its trash entry."""
    from termcrm.services import trash

    return trash.move_to_trash(session, "deal", deal.id, f"#{deal.id} {deal.title}", actor)
