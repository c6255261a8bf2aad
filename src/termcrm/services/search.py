"""One page of the contact list, with what a list screen shows beside each name.

`contacts.list_contacts` returns whole records; a browsing screen over 100,000 contacts
needs less per row but two derived columns (the last interaction and the next open task),
and those must be computed for the page shown only, never for the whole table. The filters
are `contacts.list_contacts`'s own (`_filtered`), so a search finds the same contacts in the
CLI and the TUI.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, type_coerce
from sqlmodel import Session, col, select

from termcrm.errors import Invalid
from termcrm.services._query import like_pattern
from termcrm.services.contacts import _filtered
from termcrm.store import dialect
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


@dataclass(frozen=True)
class Filters:
    """What narrows the list: a search over name, email, company and tags, and exact filters."""

    search: str | None = None
    tag: str | None = None
    stage: str | None = None
    owner: str | None = None

    def as_kwargs(self) -> dict[str, str | None]:
        return {
            "search": (self.search or "").strip() or None,
            "tag": self.tag or None,
            "company": None,
            "stage": self.stage or None,
            "owner": self.owner or None,
        }


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
    filters: Filters = Filters(),
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
    stmt = _narrowed(session, stmt, filters, ordered_by_name=sort == "name")
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


def count(session: Session, filters: Filters = Filters()) -> int:
    """How many contacts the filters match (the whole list, not a page)."""
    stmt = select(func.count(Contact.id)).outerjoin(Company, Contact.company_id == Company.id)
    return session.exec(_narrowed(session, stmt, filters)).one()


#: up to this many search index candidates, a page in name order is the candidates sorted
#: (~3.5 us each: 4,000 take ~15 ms); with more, walking the name index meets a page of
#: matches sooner (with 4,000 matches spread evenly, after ~1,500 rows)
FEW = 4000
#: a search too short for trigrams is tried on this many contacts first: matched by 1 in 50
#: or more, the name index meets a page of matches within ~3,000 rows
SAMPLE = 4000


def _narrowed(session: Session, stmt, filters: Filters, *, ordered_by_name: bool = False):
    """`stmt` with the filters of `contacts.list_contacts` (`_filtered`: the same matches as
    the CLI), and the search index narrowing the rows they are tried on where that helps.

    Walking the name index in order is only quick when matches are common all the way
    along it: "ann" (1,989 matches, nearly all first names "Ann…", "Anna…") walks 40,000
    rows (~400 ms) before its first page, sorting its candidates takes 8 ms."""
    kwargs = filters.as_kwargs()
    text_ = kwargs["search"]
    if text_ and len(text_) < 3:
        # no trigrams: a page in name order walks the name index, which is quick when
        # matches are common ("an": 31,505) and slow when they are rare ("kw", none: the
        # whole table in name order); the index's copy of the fields tells which
        if ordered_by_name:
            pattern = like_pattern(text_)
            hits = dialect.contact_search_sample(session, pattern, rows=SAMPLE)
            if hits is not None and hits < SAMPLE // 50:  # rarer than 1 in 50
                ids = dialect.contact_search_scan(session, pattern, limit=FEW + 1)
                if ids is not None and len(ids) <= FEW:
                    stmt = stmt.where(col(Contact.id).in_(ids))
    elif text_:
        candidates = dialect.contact_search_candidates(session, text_)
        if candidates is not None and (not ordered_by_name or _at_most(session, candidates, FEW)):
            stmt = stmt.where(col(Contact.id).in_(candidates))
    return _filtered(stmt, **kwargs)


def _at_most(session: Session, candidates, n: int) -> bool:
    """Whether the candidate subquery has at most `n` rows (counting no further than n + 1:
    a common trigram has ~100,000 candidates and counting them all takes ~20 ms)."""
    sub = candidates.subquery()
    first = select(sub.c.rowid).limit(n + 1).subquery()
    return session.exec(select(func.count()).select_from(first)).one() <= n


def refresh_index(session: Session, *, batch: int = 2000) -> int:
    """Bring up to `batch` changed contacts into the search index (in a write session);
    0 once it is up to date. Searches are right either way, only faster after."""
    return dialect.refresh_contact_search(session, batch=batch)


def owners(session: Session) -> list[str]:
    """The owners in use, for a filter's choices."""
    rows = session.exec(
        select(Contact.owner).where(col(Contact.owner).is_not(None)).distinct().limit(200)
    ).all()
    return sorted(rows, key=str.lower)
