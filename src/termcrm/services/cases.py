"""Customer service cases: complaints and support requests, opened, resolved, reopened.

A case belongs to one contact. Its `status` is `open` or `resolved`; resolving sets
`resolved_at` (and an optional note), reopening clears both, so `resolved_at` always
describes the latest resolution and resolution times in the KPIs stay honest.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from termcrm import dates
from termcrm.errors import Conflict, Invalid
from termcrm.services import owners, validate
from termcrm.store.models import Case, Contact
from termcrm.vocab import CASE_PRIORITIES, CASE_STATUSES


@dataclass
class CaseView:
    """A case with its contact's name, ready to render or serialise."""

    case: Case
    contact_name: str | None = None


def open_case(
    session: Session,
    contact: Contact,
    subject: str,
    *,
    priority: str | None = None,
    owner: str | None = None,
    when: str | dates.When | None = None,
    actor: str | None = None,
    notes: str | None = None,
) -> Case:
    """Open a case for `contact`; `owner` defaults to the acting user; `notes` describe it."""
    opened = dates.parse_when(when, backwards=True, field="when") if isinstance(when, str) else when
    case = Case(
        contact_id=contact.id,
        subject=validate.text(subject, "subject", required=True, max_len=500),
        priority=validate.choice(priority or "normal", CASE_PRIORITIES, "priority"),
        status="open",
        owner=validate.text(owner, "owner", max_len=100) or actor,
        notes=validate.text(notes, "notes", max_len=20000),
    )
    if opened is not None:
        case.opened_at = opened.at
    session.add(case)
    session.flush()
    return case


def resolve_case(session: Session, case: Case, *, note: str | None = None) -> Case:
    """Mark an open case resolved now; resolving a resolved case is a Conflict."""
    if case.status == "resolved":
        raise Conflict(f"Case #{case.id} is resolved already (reopen it first)")
    case.status = "resolved"
    case.resolved_at = dates.now()
    case.resolution_note = validate.text(note, "note", max_len=20000)
    case.updated_at = case.resolved_at
    session.add(case)
    session.flush()
    return case


def reopen_case(session: Session, case: Case) -> Case:
    """Open a resolved case again; reopening an open case is a Conflict."""
    if case.status == "open":
        raise Conflict(f"Case #{case.id} is open already")
    case.status = "open"
    case.resolved_at = None
    case.resolution_note = None
    case.updated_at = dates.now()
    session.add(case)
    session.flush()
    return case


def edit_case(
    session: Session,
    case: Case,
    *,
    subject: str | None = None,
    priority: str | None = None,
    owner: str | None = None,
    notes: str | None = None,
) -> Case:
    """Change the given fields; `owner=""` and `notes=""` clear them."""
    if subject is not None:
        case.subject = validate.text(subject, "subject", required=True, max_len=500)
    if priority is not None:
        case.priority = validate.choice(priority, CASE_PRIORITIES, "priority")
    if owner is not None:
        case.owner = validate.text(owner, "owner", max_len=100)
    if notes is not None:
        case.notes = validate.text(notes, "notes", max_len=20000)
    case.updated_at = dates.now()
    session.add(case)
    session.flush()
    return case


def list_cases(
    session: Session,
    *,
    status: str | None = None,
    owner: str | None = None,
    contact: Contact | None = None,
) -> list[CaseView]:
    """Cases matching every filter given, oldest first (by id)."""
    stmt = select(Case, Contact.name).outerjoin(Contact, Contact.id == Case.contact_id)
    if status:
        stmt = stmt.where(Case.status == validate.choice(status, CASE_STATUSES, "status"))
    if owner:
        stmt = stmt.where(owners.condition(session, Case.owner, owner))
    if contact is not None:
        stmt = stmt.where(Case.contact_id == contact.id)
    rows = session.exec(stmt.order_by(col(Case.id))).all()
    return [CaseView(c, name) for c, name in rows]


def view(session: Session, case: Case) -> CaseView:
    contact = session.get(Contact, case.contact_id)
    return CaseView(case, contact.name if contact else None)


def check_status_filter(open_: bool, resolved: bool) -> str | None:
    """`--open` / `--resolved` as a status; both at once is Invalid."""
    if open_ and resolved:
        raise Invalid("Use --open or --resolved, not both")
    return "open" if open_ else ("resolved" if resolved else None)


def delete_case(session: Session, case: Case, actor: str | None = None):
    """Move a case to the trash; returns its trash entry."""
    from termcrm.services import trash

    return trash.move_to_trash(session, "case", case.id, f"#{case.id} {case.subject}", actor)
