"""A person's data rights: consent, a copy of everything held about them, and erasure.

- `set_consent`: the person's yes or no to one kind of use (`marketing`), with its date.
- `export_data`: one JSON-able document with everything termcrm holds about one contact
  (access and portability, GDPR articles 15 and 20).
- `forget`: erasure (article 17). What it removes and what it keeps is listed in
  docs/privacy.md; the store then makes the removed rows unrecoverable from its files
  (`Store.scrub`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select, update
from sqlmodel import Session

from termcrm import dates
from termcrm.errors import Invalid
from termcrm.services import audit, records, validate
from termcrm.store.models import (
    Case,
    Contact,
    ContactConsent,
    ContactStageChange,
    Deal,
    DealStageChange,
    Interaction,
    Task,
    TrashEntry,
)

#: the tables an erasure deletes from or rewrites (PostgreSQL vacuums them after)
TOUCHED_TABLES = [
    "contacts",
    "interactions",
    "tasks",
    "cases",
    "deals",
    "contact_tags",
    "contact_fields",
    "contact_consents",
    "contact_stage_changes",
    "trash",
    "audit_log",
]
YES = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False}
ERASED = "[erased]"


# -- consent ----------------------------------------------------------------------------------


def parse_consent(pair: str) -> tuple[str, bool]:
    """`marketing=yes` -> ("marketing", True)."""
    kind, sep, answer = pair.partition("=")
    kind = kind.strip().lower()
    if not sep or not kind or answer.strip().lower() not in YES:
        raise Invalid(f"Invalid --consent {pair!r}: use KIND=yes or KIND=no (e.g. marketing=yes)")
    return validate.text(kind, "consent", max_len=50), YES[answer.strip().lower()]


def set_consent(
    session: Session, contact: Contact, kind: str, granted: bool, actor: str | None = None
) -> ContactConsent:
    """Record the contact's answer for `kind`, dated now (an unchanged answer keeps its date)."""
    row = session.get(ContactConsent, (contact.id, kind))
    if row is None:
        row = ContactConsent(contact_id=contact.id, kind=kind, granted=granted, recorded_by=actor)
    elif row.granted != granted:
        row.granted, row.recorded_at, row.recorded_by = granted, dates.now(), actor
    session.add(row)
    session.flush()
    return row


def consents_of(session: Session, contact_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(ContactConsent)
        .where(ContactConsent.contact_id == contact_id)
        .order_by(ContactConsent.kind)
    )
    return [
        {
            "kind": c.kind,
            "granted": c.granted,
            "recorded_at": dates.iso(c.recorded_at),
            "recorded_by": c.recorded_by,
        }
        for c in rows
    ]


# -- access -----------------------------------------------------------------------------------


def export_data(session: Session, contact: Contact) -> dict[str, Any]:
    """Everything held about `contact`, as one document (`contact export-data`)."""
    from termcrm.services.contacts import view

    cid = contact.id
    name = contact.name

    def all_of(model, column, order):
        return session.scalars(select(model).where(column == cid).order_by(order)).all()

    interactions = all_of(Interaction, Interaction.contact_id, Interaction.occurred_at)
    deals = all_of(Deal, Deal.contact_id, Deal.id)
    deal_ids = [d.id for d in deals]
    deal_history = session.scalars(
        select(DealStageChange)
        .where(DealStageChange.deal_id.in_(deal_ids))
        .order_by(DealStageChange.changed_at, DealStageChange.id)
    ).all()
    return {
        "exported_at": dates.iso(dates.now()),
        "contact": records.contact(view(session, contact)),
        "consents": consents_of(session, cid),
        "interactions": [
            records.interaction(i, contact_name=name) for i in interactions if i.kind != "survey"
        ],
        "survey_answers": [
            records.interaction(i, contact_name=name) for i in interactions if i.kind == "survey"
        ],
        "deals": [records.deal(d, contact_name=name) for d in deals],
        "deal_stage_history": [_stage(h, "deal_id") for h in deal_history],
        "tasks": [
            records.task(t, contact_name=name) for t in all_of(Task, Task.contact_id, Task.id)
        ],
        "cases": [
            records.case(c, contact_name=name) for c in all_of(Case, Case.contact_id, Case.id)
        ],
        "stage_history": [
            _stage(h, "contact_id")
            for h in all_of(
                ContactStageChange, ContactStageChange.contact_id, ContactStageChange.id
            )
        ],
        "in_trash": [
            {"id": e.id, "kind": e.kind, "deleted_at": dates.iso(e.deleted_at), "rows": rows}
            for e, rows in _trash_of(session, contact)
        ],
    }


def _stage(h, key: str) -> dict[str, Any]:
    return {
        key: getattr(h, key),
        "from_stage": h.from_stage,
        "to_stage": h.to_stage,
        "changed_at": dates.iso(h.changed_at),
        "changed_by": h.changed_by,
    }


def _trash_of(session: Session, contact: Contact) -> list[tuple[TrashEntry, list]]:
    """Trash entries holding rows of `contact` (its own deleted interactions, tasks...)."""
    out = []
    for entry in session.scalars(select(TrashEntry).order_by(TrashEntry.id)):
        rows = [
            [table, row]
            for table, row in json.loads(entry.payload)["rows"]
            if row.get("contact_id") == contact.id
            or (table == "contacts" and row.get("id") == contact.id)
        ]
        if rows:
            out.append((entry, rows))
    return out


# -- erasure ----------------------------------------------------------------------------------


@dataclass
class Erasure:
    contact_id: int
    removed: dict[str, int] = field(default_factory=dict)
    deals_kept: int = 0
    deal_titles_redacted: int = 0
    trash_entries_removed: int = 0
    history_redacted: int = 0


def personal_terms(contact: Contact) -> list[str]:
    """The strings that identify the person: name (and its words of 3+ letters), email and
    its local part, phone as typed and in E.164."""
    terms = [contact.name, contact.email, contact.phone, contact.phone_e164]
    terms += [w for w in re.split(r"[\s,]+", contact.name) if len(w) >= 3]
    if contact.email:
        terms.append(contact.email.split("@")[0])
    unique = {t.strip() for t in terms if t and t.strip()}
    return sorted(unique, key=len, reverse=True)


def redact(text: str | None, terms: list[str]) -> str | None:
    """`text` with every term replaced by `[erased]`, ignoring letter case."""
    if not text:
        return text
    for term in terms:
        text = re.sub(re.escape(term), ERASED, text, flags=re.IGNORECASE)
    return text


def forget(session: Session, contact: Contact, actor: str | None = None) -> Erasure:
    """Erase `contact` for good (not via the trash). Deals stay for the books, detached, with
    the person's name, email and phone taken out of their titles and lost reasons."""
    from termcrm.services.trash import children_of
    from termcrm.store import search_index

    cid = contact.id
    result = Erasure(cid)
    terms = personal_terms(contact)
    deal_ids = list(session.scalars(select(Deal.id).where(Deal.contact_id == cid)))
    for deal in session.scalars(select(Deal).where(Deal.contact_id == cid)).all():
        title, reason = redact(deal.title, terms), redact(deal.lost_reason, terms)
        if (title, reason) != (deal.title, deal.lost_reason):
            result.deal_titles_redacted += 1
        session.execute(
            update(Deal)
            .where(Deal.id == deal.id)
            .values(title=title, lost_reason=reason, contact_id=None, updated_at=dates.now())
        )
        result.deals_kept += 1
    for table, column, ondelete in children_of("contacts"):
        if ondelete == "CASCADE":
            n = session.execute(delete(table).where(table.c[column] == cid)).rowcount or 0
            if n:
                result.removed[table.name] = n
    for entry, _rows in _trash_of(session, contact):
        session.delete(entry)
        result.trash_entries_removed += 1
    session.expunge(contact)
    session.execute(delete(Contact).where(Contact.id == cid))
    search_index.forget_contact(session, cid)
    session.flush()
    result.history_redacted = _redact_history(session, cid, deal_ids, terms)
    audit.record(
        session, action="erase", entity="contact", record_id=cid, contact_id=cid, everywhere=True
    )
    session.flush()
    return result


#: the kinds of record whose history entries are wholly the person's
_THEIRS = ("contact", "interaction", "task", "case")


def _redact_history(session: Session, cid: int, deal_ids: list[int], terms: list[str]) -> int:
    """Take the person's values out of the audit trail: entries about them, their
    interactions, tasks and cases lose every value; other entries (their deals, and any
    naming them) lose the name, email and phone where they appear. Returns how many."""
    from sqlalchemy import and_, func, or_

    from termcrm.store.models import AuditEntry

    mentions = [
        or_(
            func.lower(AuditEntry.label).contains(t.lower()),
            func.lower(AuditEntry.changes).contains(t.lower()),
        )
        for t in terms
        if len(t) >= 5
    ]
    found = session.scalars(
        select(AuditEntry).where(
            or_(
                AuditEntry.contact_id == cid,
                and_(AuditEntry.entity == "contact", AuditEntry.record_id == cid),
                and_(AuditEntry.entity == "deal", AuditEntry.record_id.in_(deal_ids)),
                *mentions,
            )
        )
    ).all()
    for entry in found:
        wholly = entry.entity in _THEIRS and (
            entry.contact_id == cid or (entry.entity == "contact" and entry.record_id == cid)
        )
        try:
            changes = json.loads(entry.changes or "{}")
        except ValueError:
            changes = {}
        if wholly:
            entry.label = ERASED if entry.label else None
            changes = {
                k: [None if v is None else ERASED for v in pair] for k, pair in changes.items()
            }
        else:
            entry.label = redact(entry.label, terms)
            changes = {
                k: [redact(v, terms) if isinstance(v, str) else v for v in pair]
                for k, pair in changes.items()
            }
        entry.changes = json.dumps(changes, ensure_ascii=False, sort_keys=True)
        session.add(entry)
    session.flush()
    return len(found)
