"""Stay in touch: which contacts are going cold.

Every contact may carry a cadence (`Contact.cadence_days`, `contact edit ada --cadence 30d`).
Without one it gets the default of its lifecycle stage: `DEFAULT_CADENCE` below, which the
`[cadence]` table of the config file overrides (`customer = "45d"`, `lead = "never"`).
A cadence of 0 means never.

A contact is going cold when its last interaction (of any kind) happened before the local day
`cadence` days ago: with a 30-day cadence and a call on Oct 19, it goes cold on Nov 19. A
contact without any interaction counts from the day it was created. Logging an interaction
restarts the clock.

The query is built for large books: one correlated `NOT EXISTS` per contact over the
`ix_interactions_contact_occurred` index (an index seek, never a scan of interactions),
grouped by the few distinct cadences in use. The agenda's list is capped and ordered so that
the queries stop early (customers first, then prospects, leads, churned; oldest records
first); the total is counted up to 1,000.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, exists, false, func, or_
from sqlmodel import Session, col, select

from termcrm import config, dates
from termcrm.errors import Invalid
from termcrm.services import owners
from termcrm.store.models import Contact, Interaction
from termcrm.vocab import CONTACT_STAGES

#: the defaults when neither the contact nor the config file says otherwise (None = never)
DEFAULT_CADENCE: dict[str, int | None] = {
    "lead": None,  # leads are worked through deals and tasks; lists of them are often imported
    "prospect": 30,
    "customer": 60,
    "churned": None,
}


def stage_defaults() -> dict[str, int | None]:
    """The default cadence of each stage, with the config file's `[cadence]` applied."""
    result = dict(DEFAULT_CADENCE)
    for stage, value in config.section("cadence").items():
        from termcrm.services.contacts import parse_cadence

        if stage not in CONTACT_STAGES:
            raise Invalid(
                f"Unknown stage {stage!r} in [cadence] of {config.config_path()}; "
                f"choose from: {', '.join(CONTACT_STAGES)}"
            )
        raw = str(value).strip().lower()
        days = 0 if raw in ("never", "none", "off", "") else parse_cadence(raw)
        result[stage] = days or None
    return result


def effective_cadence(
    contact: Contact, defaults: dict[str, int | None] | None = None
) -> int | None:
    """The contact's own cadence, else its stage's default; None when never."""
    if contact.cadence_days is not None:
        return contact.cadence_days or None
    return (defaults if defaults is not None else stage_defaults()).get(contact.stage)


def cold_cutoff(cadence_days: int, today: date) -> datetime:
    """Interactions before this instant are too old for a contact with this cadence (a value
    stored before cadences had a range counts as the longest one, 10 years)."""
    from termcrm.services.validate import MAX_CADENCE_DAYS

    return dates.day_bounds(today - timedelta(days=min(cadence_days, MAX_CADENCE_DAYS)))[0]


@dataclass
class ColdContact:
    """A contact going cold, with how long it has been."""

    contact: Contact
    cadence_days: int
    last_interaction_at: datetime | None
    days_since: int  # local days since the last touch (interaction, else creation)
    days_overdue: int  # days past the cadence

    @property
    def last_touch_at(self) -> datetime:
        return self.last_interaction_at or self.contact.created_at


def _last_interaction():
    return (
        select(func.max(Interaction.occurred_at))
        .where(Interaction.contact_id == Contact.id)
        .correlate(Contact)
        .scalar_subquery()
    )


def _cold_clause(session: Session, today: date, defaults: dict[str, int | None]):
    explicit = session.exec(
        select(Contact.cadence_days).where(col(Contact.cadence_days) > 0).distinct()
    ).all()
    groups: dict[int, list[str]] = {n: [] for n in explicit}
    for stage, days in defaults.items():
        if days:
            groups.setdefault(days, []).append(stage)
    clauses = []
    for days, stages in groups.items():
        cutoff = cold_cutoff(days, today)
        who = Contact.cadence_days == days
        if stages:
            who = or_(
                who, and_(col(Contact.cadence_days).is_(None), col(Contact.stage).in_(stages))
            )
        recent = exists().where(
            Interaction.contact_id == Contact.id, col(Interaction.occurred_at) >= cutoff
        )
        ever = exists().where(Interaction.contact_id == Contact.id)
        clauses.append(and_(who, ~recent, or_(col(Contact.created_at) < cutoff, ever)))
    return or_(*clauses) if clauses else false()


#: the order of the capped list: the most valuable relationships first
STAGE_ORDER = ("customer", "prospect", "lead", "churned")


def going_cold(
    session: Session,
    *,
    owner: str | None = None,
    now: datetime | None = None,
    limit: int | None = 20,
    count_cap: int | None = 1000,
) -> tuple[list[ColdContact], int]:
    """Contacts going cold and how many there are (counted up to `count_cap`).

    With a `limit` (the agenda): customers first, then prospects, leads, churned, each in the
    order they were added, so that every query can stop early on a large book. Without one:
    all of them, longest untouched first.
    """
    current = now or dates.now()
    today = dates.to_local(current).date()
    defaults = stage_defaults()
    where = _cold_clause(session, today, defaults)
    if owner:
        where = and_(where, owners.condition(session, Contact.owner, owner))
    last = _last_interaction()
    rows: list = []
    if limit is None:
        stmt = select(Contact, last).where(where)
        rows = sorted(
            session.exec(stmt).all(),
            key=lambda r: (_as_datetime(r[1]) or r[0].created_at, r[0].id),
        )
        total = len(rows)
    else:
        for stage in STAGE_ORDER:
            if len(rows) >= limit:
                break
            stmt = (
                select(Contact, last)
                .where(Contact.stage == stage, where)
                .order_by(Contact.id)
                .limit(limit - len(rows))
            )
            rows += session.exec(stmt).all()
        total = len(rows)
        if total >= limit:  # a full list: count them all, up to the cap
            inner = select(Contact.id).where(where)
            if count_cap is not None:
                inner = inner.limit(count_cap)
            total = session.exec(select(func.count()).select_from(inner.subquery())).one()
    result = []
    for contact, last_at in rows:
        last_at = _as_datetime(last_at)
        cadence = effective_cadence(contact, defaults) or 0
        touched = dates.to_local(last_at or contact.created_at).date()
        since = (today - touched).days
        result.append(ColdContact(contact, cadence, last_at, since, since - cadence))
    return result, total


def _as_datetime(value) -> datetime | None:
    """A MAX() over a datetime column may come back as text on SQLite."""
    if value is None or isinstance(value, datetime):
        return dates.as_utc(value) if value is not None else None
    return dates.as_utc(datetime.fromisoformat(str(value)))
