"""Contacts: the people a team works with. Validation, tags, custom fields, the list.

What a CONTACT reference means is `services.refs`; how a list is searched and filtered is
`services.search`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from termcrm import phones
from termcrm.dates import now
from termcrm.errors import Conflict, Invalid
from termcrm.services import labels, names, refs, validate
from termcrm.services.companies import company_for
from termcrm.services.search import ContactQuery, narrowed
from termcrm.store import search_index
from termcrm.store.models import (
    Company,
    Contact,
    ContactStageChange,
)
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


#: what `clean_contact` returns when it is not told the region: the configured one
_DEFAULT_REGION = object()


def clean_contact(
    name: str | None,
    *,
    email: str | None = None,
    phone: str | None = None,
    company: str | None = None,
    title: str | None = None,
    stage: str | None = None,
    source: str | None = None,
    owner: str | None = None,
    notes: str | None = None,
    cadence_days: int | str | None = None,
    uid: str | None = None,
    region: str | object | None = _DEFAULT_REGION,
    checks: validate.Checks | None = None,
) -> dict:
    """A contact's own values checked and normalised, without a session: the one rule that
    `add_contact` (so the CLI and the TUI) and imports share.

    Blank values are None. The name falls back to the email, else the company, else the
    phone (phone-synced address books hold contacts with only a number); a contact with
    none of them is `Invalid`. `named` says whether the name was given. `stage` stays None
    when not given (the caller's default applies); `region` reads national phone numbers
    (default: the configured one, `phones.default_region`); `cadence_days` is a number of
    days or the text `parse_cadence` reads (`6w`). Every invalid value is reported at once
    (`Invalid.problems`); with `checks`, they are noted there for the caller to raise with
    its own."""
    own = checks is None
    checks = checks if checks is not None else validate.Checks()
    text = validate.text  # (each call only when there is a value: imports run this per row)
    email = checks(validate.email, email)
    given = checks(text, name, "name", max_len=200) if name is not None else None
    company = checks(text, company, "company", max_len=200) if company is not None else None
    phone = checks(text, phone, "phone", max_len=64) if phone is not None else None
    name = given or email or company or phone
    if name is None and not checks.failed("name", "email", "company", "phone", *names.FIELDS):
        checks.note(Invalid("A contact needs a name, an email, a company or a phone", field="name"))
    if region is _DEFAULT_REGION:
        region = phones.default_region()
    values = {
        "name": name,
        "named": given is not None,
        "email": email,
        "phone": phone,
        "phone_e164": phones.e164(phone, region) if phone else None,
        "company": company,
        "title": checks(text, title, "title", max_len=200) if title is not None else None,
        "stage": checks(validate.choice, stage, CONTACT_STAGES, "stage") if stage else None,
        "source": checks(text, source, "source", max_len=100) if source is not None else None,
        "owner": checks(text, owner, "owner", max_len=100) if owner is not None else None,
        "notes": checks(text, notes, "notes", max_len=20000) if notes is not None else None,
        "cadence_days": checks(_cadence, cadence_days) if cadence_days is not None else None,
        "uid": checks(text, uid, "uid", max_len=255) if uid is not None else None,
    }
    if own:
        checks.done()
    return values


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
    fields: Mapping[str, str] | Iterable[str] | None = None,
    cadence_days: int | str | None = None,
    parts: Mapping[str, str | None] | None = None,
    uid: str | None = None,
    actor: str | None = None,
) -> Contact:
    """Create a contact. Raises Invalid for bad values (`clean_contact`; every one of them
    at once, in `Invalid.problems`), Conflict for a taken email. `parts`: the name's parts
    (`names.PARTS`); without a `name` the display name is made from them (`names.compose`)."""
    checks = validate.Checks()
    name_parts = checks(names.clean, parts or {}) or names.empty()
    if not (name and name.strip()):
        name = names.compose(name_parts) or None
    v = clean_contact(
        name,
        email=email,
        phone=phone,
        company=company,
        title=title,
        stage=stage,
        source=source,
        owner=owner,
        notes=notes,
        cadence_days=cadence_days,
        uid=uid,
        checks=checks,
    )
    tags, fields = labels.checked(checks, tags, fields)
    checks.done()
    _check_email_free(session, v["email"])
    contact = Contact(
        name=v["name"],
        email=v["email"],
        phone=v["phone"],
        phone_e164=v["phone_e164"],
        title=v["title"],
        stage=v["stage"] or "lead",
        source=v["source"],
        owner=v["owner"] or actor,
        notes=v["notes"],
        cadence_days=v["cadence_days"],
        uid=v["uid"],
        **name_parts,
    )
    if v["company"]:
        contact.company_id = company_for(session, v["company"]).id
    session.add(contact)
    _flush_unique(session, v["email"])
    _set_tags(session, contact, add=tags)
    _set_fields(session, contact, fields)
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
    cadence_days: int | str | object | None = _UNSET,
    add_tags: Iterable[str] = (),
    remove_tags: Iterable[str] = (),
    tags: Iterable[str] | None = None,
    fields: Mapping[str, str] | Iterable[str] | None = None,
    parts: Mapping[str, str | None] | None = None,
    actor: str | None = None,
) -> Contact:
    """Change the given attributes; None leaves one as it is. An empty string clears it
    (`--email ""`), except for the name and stage which cannot be blank. `tags` replaces
    the contact's tags with exactly these (`set_tags`); `add_tags`/`remove_tags` change some.
    The display name and the name's `parts` follow each other as `names.edited` says.
    Every invalid value is reported at once (`Invalid.problems`), before anything changes."""
    checks = validate.Checks()
    changes: dict[str, object] = {}
    new_name = None
    if name is not None:
        new_name = checks(validate.text, name, "name", required=True, max_len=200)
    if new_name is not None or any(v is not None for v in (parts or {}).values()):
        edited = checks(names.edited, contact.name, names.of(contact), parts or {}, new_name)
        if edited is not None:
            display, new_parts = edited
            checks(validate.text, display, "name", max_len=200)  # the parts made it too long?
            changes["name"] = display
            changes.update(new_parts)
    if email is not _UNSET and email is not None:
        changes["email"] = checks(validate.email, email)  # "" clears
    for attr, value, max_len in (
        ("phone", phone, 64),
        ("title", title, 200),
        ("source", source, 100),
        ("owner", owner, 100),
        ("notes", notes, 20000),
    ):
        if value is not None:
            changes[attr] = checks(validate.text, value, attr, max_len=max_len)
    if cadence_days is not _UNSET:
        changes["cadence_days"] = checks(_cadence, cadence_days)
    new_stage = None
    if stage is not None:
        new_stage = checks(validate.choice, stage, CONTACT_STAGES, "stage")
    _, fields = labels.checked(checks, (*add_tags, *remove_tags, *(tags or ())), fields)
    checks.done()
    if "email" in changes:
        _check_email_free(session, changes["email"], contact.id)
    for attr, value in changes.items():
        setattr(contact, attr, value)
    if phone is not None:
        contact.phone_e164 = phones.e164(contact.phone, phones.default_region())
    if company is not None:
        contact.company_id = company_for(session, company).id if company.strip() else None
    if new_stage is not None and new_stage != contact.stage:
        old, contact.stage = contact.stage, new_stage
        record_stage(session, contact, old, actor)
    contact.updated_at = now()
    session.add(contact)
    _flush_unique(session, contact.email)
    _set_tags(session, contact, add=add_tags, remove=remove_tags)
    if tags is not None:
        set_tags(session, contact, tags)
    _set_fields(session, contact, fields)
    session.flush()
    return contact


def _cadence(value: int | str | None) -> int | None:
    """A cadence in days from a number or the text `parse_cadence` reads."""
    if isinstance(value, str):
        return parse_cadence(value)
    return validate.positive_int(value, "cadence", validate.MAX_CADENCE_DAYS)


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
    labels.CONTACTS.change_tags(session, contact.id, add=add, remove=remove)


def set_tags(session: Session, contact: Contact, tags: Iterable[str]) -> None:
    """Give the contact exactly these tags (`labels.Labels.set_tags`)."""
    labels.CONTACTS.set_tags(session, contact.id, tags)


def _set_fields(session: Session, contact: Contact, fields: Mapping[str, str]) -> None:
    """Set custom fields; an empty value removes the field."""
    labels.CONTACTS.set_fields(session, contact.id, fields)


parse_fields = labels.parse_fields


# -- reads ------------------------------------------------------------------------------------


def tags_of(session: Session, ids: Iterable[int]) -> dict[int, list[str]]:
    return labels.CONTACTS.tags_of(session, ids)


def fields_of(session: Session, ids: Iterable[int]) -> dict[int, dict[str, str]]:
    return labels.CONTACTS.fields_of(session, ids)


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
