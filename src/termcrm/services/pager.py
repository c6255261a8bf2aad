"""The pager: one page of the contact list, with what a list screen shows beside each name.

`contacts.list_contacts` returns whole records; a browsing screen over 100,000 contacts
needs less per row but two derived columns (the last interaction and the next open task),
and those must be computed for the page shown only, never for the whole table. What a
`ContactQuery` matches, and how the search index narrows it, is `services.search`, so a
search finds the same contacts the same way in the CLI and the TUI.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, type_coerce
from sqlmodel import Session, col, select

from termcrm.errors import Invalid
from termcrm.services.search import ContactQuery, narrowed
from termcrm.store.models import Company, Contact, Interaction, Task
from termcrm.store.types import UTCDateTime

#: the columns a contact page can be ordered by
SORTS = ("name", "company", "stage", "owner", "last", "next")


@dataclass(frozen=True)
class ContactRow:
    """A contact as one line of a list screen."""

    id: int
    name: str
    email: str | None
    company: str | None
    stage: str
    owner: str | None
    last_interaction: datetime | None
    next_task: str | None
    next_due: datetime | None


def _last_interaction():
    return type_coerce(
        select(func.max(Interaction.occurred_at))
        .where(Interaction.contact_id == Contact.id)
        .correlate(Contact)
        .scalar_subquery(),
        UTCDateTime,
    )


def _open():
    """Task is not done, written so that no index can serve it: without ANALYZE statistics
    SQLite's planner otherwise reads a contact's open tasks through `ix_tasks_open_due`,
    i.e. walks all open tasks (~20 ms for a page, minutes for sorting by the next task)
    instead of looking the contact's few tasks up in `ix_tasks_contact_id`."""
    return func.coalesce(Task.done_at, None).is_(None)


def _next_due():
    return type_coerce(
        select(func.min(Task.due_at))
        .where(Task.contact_id == Contact.id, _open())
        .correlate(Contact)
        .scalar_subquery(),
        UTCDateTime,
    )


def contact_page(
    session: Session,
    query: ContactQuery = ContactQuery(),
    *,
    sort: str = "name",
    descending: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> list[ContactRow]:
    """`limit` contacts from `offset` in the order asked for (ties by name, then id)."""
    if sort not in SORTS:
        raise Invalid(f"Unknown sort {sort!r}; choose one of: {', '.join(SORTS)}")
    if limit < 0 or offset < 0:
        raise Invalid("limit and offset must not be negative")
    last = _last_interaction()
    key = {
        "name": func.lower(Contact.name),
        "company": func.lower(Company.name),
        "stage": Contact.stage,
        "owner": func.lower(Contact.owner),
        "last": last,
        "next": _next_due(),
    }[sort]
    order = [key.desc() if descending else key]
    if sort != "name":
        order.append(func.lower(Contact.name))
    order.append(Contact.id)
    stmt = select(
        Contact.id,
        Contact.name,
        Contact.email,
        Company.name,
        Contact.stage,
        Contact.owner,
        last,
    ).outerjoin(Company, Contact.company_id == Company.id)
    stmt = narrowed(session, stmt, query, ordered_by_name=sort == "name")
    rows = session.exec(stmt.order_by(*order).offset(offset).limit(limit)).all()
    tasks = _next_tasks(session, [r[0] for r in rows])
    return [
        ContactRow(cid, name, email, company, stage, owner, last_at, *tasks.get(cid, (None, None)))
        for cid, name, email, company, stage, owner, last_at in rows
    ]


def _next_tasks(session: Session, ids: list[int]) -> dict[int, tuple[str, datetime | None]]:
    """The open task due first (undated ones last) of each contact on the page."""
    if not ids:
        return {}
    rows = session.exec(
        select(Task.contact_id, Task.title, Task.due_at, Task.id).where(
            col(Task.contact_id).in_(ids), _open()
        )
    ).all()
    best: dict[int, tuple] = {}
    for cid, title, due, tid in rows:
        key = (due is None, due.timestamp() if due else 0.0, tid)
        if cid not in best or key < best[cid][0]:
            best[cid] = (key, title, due)
    return {cid: (title, due) for cid, (_k, title, due) in best.items()}


def count(session: Session, query: ContactQuery = ContactQuery()) -> int:
    """How many contacts the query matches (the whole list, not a page)."""
    stmt = select(func.count(Contact.id)).outerjoin(Company, Contact.company_id == Company.id)
    return session.exec(narrowed(session, stmt, query)).one()
