"""Contacts: the people a team works with. Validation, tags, custom fields, the list.

What a CONTACT reference means is `services.refs`; how a list is searched and filtered is
`services.search`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from termcrm import phones
from termcrm.dates import now
from termcrm.errors import Conflict, Invalid
from termcrm.services import names, refs, validate
from termcrm.services.companies import company_for
from termcrm.services.search import ContactQuery, narrowed
from termcrm.store import search_index
from termcrm.store.models import (
    Company,
    Contact,
    ContactField,
    ContactStageChange,
    ContactTag,
)
from termcrm.textfold import fold
from termcrm.vocab import CONTACT_STAGES

_UNSET = object()


@dataclass
class ContactView:
    """A contact with what belongs to it, ready to render or serialise."""

    contact: Contact
    company: str | None = None
    tags: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)


# -- writes -----------------------------------------------------------------------------------


def _check_email_free(session: Session, email: str | None, own_id: int | None = None) -> None:
    if email is None:
        return
    other_id = refs.email_owner(session, email)
    other = session.get(Contact, other_id) if other_id is not None else None
    if other is not None and other.id != own_id:
        raise Conflict(
            f"A contact with email {other.email} exists already: #{other.id} {other.name}",
            field="email",
        )


def _flush_unique(session: Session, email: str | None) -> None:
    """Flush, turning a race on the unique email index into a clear Conflict."""
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict(f"A contact with email {email} exists already", field="email") from exc


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
    parts: Mapping[str, str | None] | None = None,
    uid: str | None = None,
    actor: str | None = None,
) -> Contact:
    """Create a contact. Raises Invalid for bad values, Conflict for a taken email.
    `parts`: the name's parts (`names.PARTS`); without a `name` the display name is made
    from them (`names.compose`)."""
    email = validate.email(email)
    parts = names.clean(parts or {})
    name = validate.text(name, "name", max_len=200) or names.compose(parts) or email
    if not name:
        raise Invalid("A contact needs a name or an email", field="name")
    if len(name) > 200:
        raise Invalid("Name is longer than 200 characters", field="name")
    _check_email_free(session, email)
    phone = validate.text(phone, "phone", max_len=64)
    contact = Contact(
        name=name,
        email=email,
        phone=phone,
        phone_e164=phones.e164(phone, phones.default_region()),
        title=validate.text(title, "title", max_len=200),
        stage=validate.choice(stage or "lead", CONTACT_STAGES, "stage"),
        source=validate.text(source, "source", max_len=100),
        owner=validate.text(owner, "owner", max_len=100) or actor,
        notes=validate.text(notes, "notes", max_len=20000),
        cadence_days=validate.positive_int(cadence_days, "cadence", validate.MAX_CADENCE_DAYS),
        uid=validate.text(uid, "uid", max_len=255),
        **parts,
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
    tags: Iterable[str] | None = None,
    fields: Mapping[str, str] | None = None,
    parts: Mapping[str, str | None] | None = None,
    actor: str | None = None,
) -> Contact:
    """Change the given attributes; None leaves one as it is. An empty string clears it
    (`--email ""`), except for the name and stage which cannot be blank. `tags` replaces
    the contact's tags with exactly these (`set_tags`); `add_tags`/`remove_tags` change some.
    The display name and the name's `parts` follow each other as `names.edited` says."""
    new_name = None
    if name is not None:
        new_name = validate.text(name, "name", required=True, max_len=200)
    if new_name is not None or any(v is not None for v in (parts or {}).values()):
        display, new_parts = names.edited(contact.name, names.of(contact), parts or {}, new_name)
        if len(display) > 200:
            raise Invalid("Name is longer than 200 characters", field="name")
        contact.name = display
        for key, value in new_parts.items():
            setattr(contact, key, value)
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
    if phone is not None:
        contact.phone_e164 = phones.e164(contact.phone, phones.default_region())
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
    if tags is not None:
        set_tags(session, contact, tags)
    _set_fields(session, contact, fields or {})
    session.flush()
    return contact


def delete_contact(session: Session, contact: Contact, actor: str | None = None):
    """Move a contact with its interactions, tasks and cases to the trash (its deals stay,
    without it, until it is restored), and take its row out of the search index in the same
    transaction: the index holds personal data."""
    from termcrm.services import trash

    cid = contact.id
    entry = trash.move_to_trash(session, "contact", cid, f"#{cid} {contact.name}", actor)
    search_index.forget_contacts(session, [cid])
    return entry


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


def set_tags(session: Session, contact: Contact, tags: Iterable[str]) -> None:
    """Give the contact exactly these tags (validated; a tag already there in another
    letter case is kept as it is): what a form's tag field means."""
    wanted = {fold(t): t for t in (validate.tag(t) for t in tags)}
    have = tags_of(session, [contact.id]).get(contact.id, [])
    _set_tags(
        session,
        contact,
        add=[t for key, t in wanted.items() if key not in {fold(h) for h in have}],
        remove=[h for h in have if fold(h) not in wanted],
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


def list_contacts(
    session: Session,
    query: ContactQuery = ContactQuery(),
    *,
    limit: int | None = None,
    offset: int = 0,
) -> list[ContactView]:
    """Contacts matching every filter of `query`, by name (`services.search` decides how)."""
    stmt = select(Contact, Company.name).outerjoin(Company, Contact.company_id == Company.id)
    stmt = narrowed(session, stmt, query, ordered_by_name=limit is not None)
    stmt = stmt.order_by(func.lower(Contact.name), Contact.id).offset(offset)
    if limit is not None:
        if limit < 0:
            raise Invalid("--limit must not be negative", field="limit")
        stmt = stmt.limit(limit)
    rows = session.exec(stmt).all()
    ids = [c.id for c, _ in rows]
    tags, fields = tags_of(session, ids), fields_of(session, ids)
    return [ContactView(c, name, tags.get(c.id, []), fields.get(c.id, {})) for c, name in rows]


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
