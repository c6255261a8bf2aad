"""The search policy: what a contact query matches, and how the search index narrows it.

One `ContactQuery` travels from both shells (`contact list` and the TUI's contact list) to
`narrowed`, which decides whether and how the store's search index (`store.search_index`)
cuts down the rows before the filters decide: the same contacts either way, only faster.
`contacts.list_contacts` (whole records) and `pager.contact_page` (a screen's page) both
come through here.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from sqlalchemy import exists, func, or_
from sqlmodel import Session, col, select

from termcrm.services import labels, owners, segments, validate
from termcrm.services._query import folded_contains, ieq, like_pattern
from termcrm.store import search_index
from termcrm.store.models import Company, Contact, ContactTag
from termcrm.textfold import search_key
from termcrm.vocab import CONTACT_STAGES


@dataclass(frozen=True)
class ContactQuery:
    """Which contacts a list shows: a search over name, email, company and tags, and exact
    filters (tag, company, stage, owner, and the segment filters after them); every filter
    given must match. To add a filter, add a field here and its condition in `_filtered`
    (the segment filters': `segments.conditions`)."""

    search: str | None = None
    tag: str | None = None
    company: str | None = None
    stage: str | None = None
    owner: str | None = None
    # segment filters (services/segments.py); dates and amounts as typed, resolved when run
    tags: tuple[str, ...] = ()
    any_tags: tuple[str, ...] = ()
    no_tags: tuple[str, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()
    contacted_before: str | None = None
    contacted_after: str | None = None
    never_contacted: bool = False
    has_open_deal: bool = False
    deal_value_above: str | None = None
    nps: str | None = None
    consent: str | None = None
    #: a saved segment's name: its filters are added to these (`segments.resolve`)
    segment: str | None = None

    def cleaned(self) -> ContactQuery:
        """The same query with surrounding space trimmed and blank filters dropped."""
        return replace(
            self,
            **{
                f.name: (getattr(self, f.name) or "").strip() or None
                for f in fields(self)
                if isinstance(getattr(self, f.name), str | None)
            },
        )


def _filtered(session: Session, stmt, query: ContactQuery, *, searched=None):
    """`stmt` with every filter of `query`. `searched`, where the search index answered a
    short search exactly, turns the search rule into the condition to use instead: the
    index's matches, and the rule for the rows the index does not know yet."""
    search, tag, company, stage, owner = (
        query.search,
        query.tag,
        query.company,
        query.stage,
        query.owner,
    )
    if search:
        # case and accents folded on both engines: "olstad" and "ölstad" find "Zoë Ölstad"
        def has(column):
            return folded_contains(session, column, search)

        tag_match = exists().where(ContactTag.contact_id == Contact.id, has(ContactTag.tag))
        rule = or_(has(Contact.name), has(Contact.email), has(Company.name), tag_match)
        stmt = stmt.where(rule if searched is None else searched(rule))
    if tag:
        stmt = stmt.where(labels.CONTACTS.has_tag(session, tag))
    if company:
        stmt = stmt.where(ieq(Company.name, company))
    if stage:
        stmt = stmt.where(Contact.stage == validate.choice(stage, CONTACT_STAGES, "stage"))
    if owner:
        stmt = stmt.where(owners.condition(session, Contact.owner, owner))
    for condition in segments.conditions(query):
        stmt = stmt.where(condition)
    return stmt


#: up to this many search index candidates, a page in name order is the candidates sorted
#: (~3.5 us each: 4,000 take ~15 ms); with more, walking the name index meets a page of
#: matches sooner (with 4,000 matches spread evenly, after ~1,500 rows)
FEW = 4000
#: a search too short for trigrams is tried on this many contacts first: matched by 1 in 10
#: or more, the name index meets a page of matches within ~600 rows
SAMPLE = 4000
#: ... and matched by a smaller share of it than this, its matches are looked up in the
#: search index's folded text and sorted: each row the name index walks costs a Python fold
#: of four fields, so "zo" (1 in 49: ~3,000 rows walked) took ~0.8 s a page, its matches ~10 ms
RARE_SHARE = 0.1


def narrowed(session: Session, stmt, query: ContactQuery, *, ordered_by_name: bool = False):
    """`stmt` with the query's filters applied, the search index (where the store has
    one) narrowing the rows they are tried on where that helps: the same result either way.
    The CLI's list and the TUI's pages both come through here.

    Walking the name index in order is only quick when matches are common all the way
    along it: "ann" (1,989 matches, nearly all first names "Ann…", "Anna…") walks 40,000
    rows (~400 ms) before its first page, sorting its candidates takes 8 ms."""
    query = segments.resolve(session, query.cleaned())
    text_ = query.search
    searched = None
    if text_ and len(text_) < 3:
        # no trigrams: a page in name order walks the name index, which is quick when
        # matches are common ("an": 31,505) and slow when they are rare ("kw", none: the
        # whole table in name order); the index's copy of the fields tells which. A count
        # (any order) is quicker on the index's matches whenever there are not too many.
        pattern = like_pattern(search_key(text_))  # the index holds folded text
        hits = search_index.contact_search_sample(session, pattern, rows=SAMPLE)
        if hits is not None and (not ordered_by_name or hits < SAMPLE * RARE_SHARE):
            exact = search_index.contact_search_exact(session, pattern)
            if exact is not None:
                matches, unindexed = exact
                # the index's matches looked up by id; the rule decides only the rows the
                # index does not know yet (their text may have changed)
                stmt = stmt.where(col(Contact.id).in_(matches))

                def searched(rule):
                    return or_(col(Contact.id).not_in(unindexed), rule)

    elif text_:
        candidates = search_index.contact_search_candidates(session, text_)
        if candidates is not None and (not ordered_by_name or _at_most(session, candidates, FEW)):
            stmt = stmt.where(col(Contact.id).in_(candidates))
    return _filtered(session, stmt, query, searched=searched)


def matching_ids(session: Session, query: ContactQuery):
    """A subquery of the ids of the contacts `query` matches (exports, bulk work)."""
    stmt = select(Contact.id).outerjoin(Company, Contact.company_id == Company.id)
    return narrowed(session, stmt, query)


def _at_most(session: Session, candidates, n: int) -> bool:
    """Whether the candidate subquery has at most `n` rows (counting no further than n + 1:
    a common trigram has ~100,000 candidates and counting them all takes ~20 ms)."""
    sub = candidates.subquery()
    first = select(sub.c.rowid).limit(n + 1).subquery()
    return session.exec(select(func.count()).select_from(first)).one() <= n


def refresh_index(session: Session, *, batch: int = 2000) -> int:
    """Bring up to `batch` changed contacts into the search index (in a write session);
    0 once it is up to date. Searches are right either way, only faster after."""
    return search_index.refresh_contact_search(session, batch=batch)
