"""Contacts: the people a team works with. References, validation, tags, custom fields.

A CONTACT reference (SPEC.md) is a numeric id, an exact email address, or a name or part
of one that matches exactly one contact, case-insensitively. An exact full-name match wins
over partial ones; anything else that matches several contacts is `Ambiguous`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import delete, exists, func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from termcrm.dates import now
from termcrm.errors import Ambiguous, Conflict, Invalid, NotFound
from termcrm.services import owners, validate
from termcrm.services._query import icontains, ieq, like_pattern
from termcrm.services.companies import company_for
from termcrm.store import search_index, sqlfunc
from termcrm.store.models import (
    Company,
    Contact,
    ContactField,
    ContactStageChange,
    ContactTag,
    email_key,
)
from termcrm.textfold import search_key
from termcrm.vocab import CONTACT_STAGES

_UNSET = object()


@dataclass
class ContactView:
    """A contact with what belongs to it, ready to render or serialise."""

    contact: Contact
    company: str | None = None
    tags: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)


# -- look-up ----------------------------------------------------------------------------------


def find_by_email(session: Session, email: str) -> Contact | None:
    """The contact with this address in any letter case (`Contact.email_key`, unique)."""
    key = email_key(email.strip())
    if key is None:
        return None
    return session.exec(select(Contact).where(Contact.email_key == key)).first()


def resolve_contact(session: Session, ref: str | int) -> Contact:
    """The one contact a user means by `ref` (id, exact email, or a unique name match)."""
    s = str(ref).strip()
    if not s:
        raise Invalid("Empty contact reference")
    number = validate.numeric_id(s, "contact")
    if number is not None:
        contact = session.get(Contact, number)
        if contact is None:
            raise NotFound(f"No contact with id {number}")
        return contact
    if "@" in s:
        contact = find_by_email(session, s)
        if contact is None:
            raise NotFound(f"No contact with email {s!r}")
        return contact
    exact = session.exec(select(Contact).where(ieq(Contact.name, s)).order_by(Contact.id)).all()
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise Ambiguous(f"{s!r} matches {len(exact)} contacts", _candidates(exact))
    matches = session.exec(
        select(Contact).where(icontains(Contact.name, s)).order_by(Contact.id).limit(21)
    ).all()
    if not matches:
        raise NotFound(f"No contact matches {s!r}")
    if len(matches) > 1:
        more = " (and more)" if len(matches) > 20 else ""
        raise Ambiguous(f"{s!r} matches several contacts{more}", _candidates(matches[:20]))
    return matches[0]


def _candidates(contacts: Iterable[Contact]) -> list[tuple[int, str]]:
    return [(c.id, f"{c.name} <{c.email}>" if c.email else c.name) for c in contacts]


# -- writes -----------------------------------------------------------------------------------


def _check_email_free(session: Session, email: str | None, own_id: int | None = None) -> None:
    if email is None:
        return
    other = find_by_email(session, email)
    if other is not None and other.id != own_id:
        raise Conflict(
            f"A contact with email {other.email} exists already: #{other.id} {other.name}"
        )


def _flush_unique(session: Session, email: str | None) -> None:
    """Flush, turning a race on the unique email index into a clear Conflict."""
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict(f"A contact with email {email} exists already") from exc


def record_stage(session: Session, contact: Contact, old: str | None, actor: str | None) -> None:
    session.add(
        ContactStageChange(
            contact_id=contact.id, from_stage=old, to_stage=contact.stage, changed_by=actor
        )
    )


def add_contact(
    session: Session,
    name: str | None,
    *,
    email: str | None = None,
    phone: str | None = None,
    company: str | None = None,
    title: str | None = None,
    tags: Iterable[str] = (),
    stage: str | None = None,
    source: str | None = None,
    owner: str | None = None,
    notes: str | None = None,
    fields: Mapping[str, str] | None = None,
    cadence_days: int | None = None,
    actor: str | None = None,
) -> Contact:
    """Create a contact. Raises Invalid for bad values, Conflict for a taken email."""
    email = validate.email(email)
    name = validate.text(name, "name", max_len=200) or email
    if not name:
        raise Invalid("A contact needs a name or an email")
    _check_email_free(session, email)
    contact = Contact(
        name=name,
        email=email,
        phone=validate.text(phone, "phone", max_len=64),
        title=validate.text(title, "title", max_len=200),
        stage=validate.choice(stage or "lead", CONTACT_STAGES, "stage"),
        source=validate.text(source, "source", max_len=100),
        owner=validate.text(owner, "owner", max_len=100) or actor,
        notes=validate.text(notes, "notes", max_len=20000),
        cadence_days=validate.positive_int(cadence_days, "cadence", validate.MAX_CADENCE_DAYS),
    )
    if company:
        contact.company_id = company_for(session, company).id
    session.add(contact)
    _flush_unique(session, email)
    _set_tags(session, contact, add=tags)
    _set_fields(session, contact, fields or {})
    record_stage(session, contact, None, actor)
    session.flush()
    return contact


def edit_contact(
    session: Session,
    contact: Contact,
    *,
    name: str | None = None,
    email: str | object | None = _UNSET,
    phone: str | None = None,
    company: str | None = None,
    title: str | None = None,
    stage: str | None = None,
    source: str | None = None,
    owner: str | None = None,
    notes: str | None = None,
    cadence_days: int | object | None = _UNSET,
    add_tags: Iterable[str] = (),
    remove_tags: Iterable[str] = (),
    fields: Mapping[str, str] | None = None,
    actor: str | None = None,
) -> Contact:
    """Change the given attributes; None leaves one as it is. An empty string clears it
    (`--email ""`), except for the name and stage which cannot be blank."""
    if name is not None:
        contact.name = validate.text(name, "name", required=True, max_len=200)
    if email is not _UNSET and email is not None:
        new_email = validate.email(email)  # "" clears
        _check_email_free(session, new_email, contact.id)
        contact.email = new_email
    for attr, value, max_len in (
        ("phone", phone, 64),
        ("title", title, 200),
        ("source", source, 100),
        ("owner", owner, 100),
        ("notes", notes, 20000),
    ):
        if value is not None:
            setattr(contact, attr, validate.text(value, attr, max_len=max_len))
    if company is not None:
        contact.company_id = company_for(session, company).id if company.strip() else None
    if cadence_days is not _UNSET:
        contact.cadence_days = validate.positive_int(
            cadence_days, "cadence", validate.MAX_CADENCE_DAYS
        )
    if stage is not None:
        new_stage = validate.choice(stage, CONTACT_STAGES, "stage")
        if new_stage != contact.stage:
            old, contact.stage = contact.stage, new_stage
            record_stage(session, contact, old, actor)
    contact.updated_at = now()
    session.add(contact)
    _flush_unique(session, contact.email)
    _set_tags(session, contact, add=add_tags, remove=remove_tags)
    _set_fields(session, contact, fields or {})
    session.flush()
    return contact


def delete_contact(session: Session, contact: Contact) -> None:
    """Delete a contact with its interactions, tasks and cases (deals keep their history),
    and its row in the search index, in the same transaction: the index holds personal data."""
    cid = contact.id
    session.delete(contact)
    session.flush()
    search_index.forget_contacts(session, [cid])


def _set_tags(
    session: Session, contact: Contact, *, add: Iterable[str] = (), remove: Iterable[str] = ()
) -> None:
    have = set(tags_of(session, [contact.id]).get(contact.id, []))
    for t in {validate.tag(t) for t in add} - have:
        session.add(ContactTag(contact_id=contact.id, tag=t))
    drop = {validate.tag(t) for t in remove}
    if drop:
        session.execute(
            delete(ContactTag).where(ContactTag.contact_id == contact.id, ContactTag.tag.in_(drop))
        )


def _set_fields(session: Session, contact: Contact, fields: Mapping[str, str]) -> None:
    """Set custom fields; an empty value removes the field."""
    for key, value in fields.items():
        existing = session.get(ContactField, (contact.id, key))
        if value == "" and existing is not None:
            session.delete(existing)
        elif value != "":
            if existing is None:
                session.add(ContactField(contact_id=contact.id, key=key, value=value))
            else:
                existing.value = value
                session.add(existing)


def parse_fields(pairs: Iterable[str]) -> dict[str, str]:
    """`KEY=VALUE` strings from the command line as a dict."""
    return dict(validate.field_pair(p) for p in pairs)


# -- reads ------------------------------------------------------------------------------------


def tags_of(session: Session, ids: Iterable[int]) -> dict[int, list[str]]:
    ids = list(ids)
    out: dict[int, list[str]] = {}
    if not ids:
        return out
    rows = session.exec(
        select(ContactTag.contact_id, ContactTag.tag)
        .where(ContactTag.contact_id.in_(ids))
        .order_by(ContactTag.tag)
    ).all()
    for cid, t in rows:
        out.setdefault(cid, []).append(t)
    return out


def fields_of(session: Session, ids: Iterable[int]) -> dict[int, dict[str, str]]:
    ids = list(ids)
    out: dict[int, dict[str, str]] = {}
    if not ids:
        return out
    rows = session.exec(
        select(ContactField.contact_id, ContactField.key, ContactField.value)
        .where(ContactField.contact_id.in_(ids))
        .order_by(ContactField.key)
    ).all()
    for cid, k, v in rows:
        out.setdefault(cid, {})[k] = v
    return out


def _filtered(
    session: Session,
    stmt,
    *,
    search: str | None = None,
    tag: str | None = None,
    company: str | None = None,
    stage: str | None = None,
    owner: str | None = None,
):
    if search:
        # case and accents folded on both engines: "olstad" and "ölstad" find "Zoë Ölstad"
        bind, pattern = session.get_bind(), like_pattern(search_key(search))

        def has(column):
            return sqlfunc.search_folded(bind, column).like(pattern, escape="\\")

        tag_match = exists().where(ContactTag.contact_id == Contact.id, has(ContactTag.tag))
        stmt = stmt.where(or_(has(Contact.name), has(Contact.email), has(Company.name), tag_match))
    if tag:
        stmt = stmt.where(
            exists().where(
                ContactTag.contact_id == Contact.id,
                ieq(ContactTag.tag, tag),
            )
        )
    if company:
        stmt = stmt.where(ieq(Company.name, company))
    if stage:
        stmt = stmt.where(Contact.stage == validate.choice(stage, CONTACT_STAGES, "stage"))
    if owner:
        stmt = stmt.where(owners.condition(session, Contact.owner, owner))
    return stmt


#: up to this many search index candidates, a page in name order is the candidates sorted
#: (~3.5 us each: 4,000 take ~15 ms); with more, walking the name index meets a page of
#: matches sooner (with 4,000 matches spread evenly, after ~1,500 rows)
FEW = 4000
#: a search too short for trigrams is tried on this many contacts first: matched by 1 in 50
#: or more, the name index meets a page of matches within ~3,000 rows
SAMPLE = 4000


def narrowed(session: Session, stmt, *, ordered_by_name: bool = False, **filters: str | None):
    """`stmt` with the filters applied (`_filtered`), the search index (where the store has
    one) narrowing the rows they are tried on where that helps: the same result either way.
    The CLI's list and the TUI's pages both come through here.

    Walking the name index in order is only quick when matches are common all the way
    along it: "ann" (1,989 matches, nearly all first names "Ann…", "Anna…") walks 40,000
    rows (~400 ms) before its first page, sorting its candidates takes 8 ms."""
    text_ = filters.get("search")
    if text_ and len(text_) < 3:
        # no trigrams: a page in name order walks the name index, which is quick when
        # matches are common ("an": 31,505) and slow when they are rare ("kw", none: the
        # whole table in name order); the index's copy of the fields tells which
        if ordered_by_name:
            pattern = like_pattern(search_key(text_))  # the index holds folded text
            hits = search_index.contact_search_sample(session, pattern, rows=SAMPLE)
            if hits is not None and hits < SAMPLE // 50:  # rarer than 1 in 50
                ids = search_index.contact_search_scan(session, pattern, limit=FEW + 1)
                if ids is not None and len(ids) <= FEW:
                    stmt = stmt.where(col(Contact.id).in_(ids))
    elif text_:
        candidates = search_index.contact_search_candidates(session, text_)
        if candidates is not None and (not ordered_by_name or _at_most(session, candidates, FEW)):
            stmt = stmt.where(col(Contact.id).in_(candidates))
    return _filtered(session, stmt, **filters)


def _at_most(session: Session, candidates, n: int) -> bool:
    """Whether the candidate subquery has at most `n` rows (counting no further than n + 1:
    a common trigram has ~100,000 candidates and counting them all takes ~20 ms)."""
    sub = candidates.subquery()
    first = select(sub.c.rowid).limit(n + 1).subquery()
    return session.exec(select(func.count()).select_from(first)).one() <= n


def list_contacts(
    session: Session,
    *,
    search: str | None = None,
    tag: str | None = None,
    company: str | None = None,
    stage: str | None = None,
    owner: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[ContactView]:
    """Contacts matching every filter given, by name. `search` looks in name, email,
    company and tags (a case-insensitive substring)."""
    stmt = select(Contact, Company.name).outerjoin(Company, Contact.company_id == Company.id)
    stmt = narrowed(
        session,
        stmt,
        ordered_by_name=limit is not None,
        search=search,
        tag=tag,
        company=company,
        stage=stage,
        owner=owner,
    )
    stmt = stmt.order_by(func.lower(Contact.name), Contact.id).offset(offset)
    if limit is not None:
        if limit < 0:
            raise Invalid("--limit must not be negative")
        stmt = stmt.limit(limit)
    rows = session.exec(stmt).all()
    ids = [c.id for c, _ in rows]
    tags, fields = tags_of(session, ids), fields_of(session, ids)
    return [ContactView(c, name, tags.get(c.id, []), fields.get(c.id, {})) for c, name in rows]


def count_contacts(session: Session, **filters: str | None) -> int:
    stmt = select(func.count(Contact.id)).outerjoin(Company, Contact.company_id == Company.id)
    return session.exec(narrowed(session, stmt, **filters)).one()


def view(session: Session, contact: Contact) -> ContactView:
    company = session.get(Company, contact.company_id) if contact.company_id else None
    return ContactView(
        contact,
        company.name if company else None,
        tags_of(session, [contact.id]).get(contact.id, []),
        fields_of(session, [contact.id]).get(contact.id, {}),
    )


def parse_cadence(value: str | None) -> int | None:
    """A stay-in-touch cadence in days: `30`, `30d`, `6w`, `2mo`; `0` never; blank = default."""
    from termcrm.dates import parse_duration

    raw = (value or "").strip().lower()
    if not raw:
        return None
    if raw.isascii() and raw.isdigit():
        return validate.positive_int(raw, "cadence", validate.MAX_CADENCE_DAYS)
    duration = parse_duration(raw)
    factor = {"days": 1, "weeks": 7, "months": 30, "years": 365}
    if duration is None or duration[1] not in factor:
        raise Invalid(
            f"Invalid cadence {value!r}: use days like '30d', '6w' or '2mo'", field="cadence"
        )
    days = duration[0] * factor[duration[1]]
    if days > validate.MAX_CADENCE_DAYS:
        raise Invalid(f"Invalid cadence {value!r}: at most 10 years", field="cadence")
    return days
