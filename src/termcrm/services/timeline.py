"""A contact's detail: profile, and the timeline of everything that happened with them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from termcrm.services import audit, records
from termcrm.services.audit import Change
from termcrm.services.contacts import ContactView, view
from termcrm.store.models import Case, Contact, Deal, Interaction, Task


@dataclass
class TimelineEntry:
    """One line of the timeline: an interaction, a deal, a task or a case."""

    at: datetime
    type: str  # interaction | deal | task | case
    record: Any


@dataclass
class ContactDetail:
    view: ContactView
    interactions: list[Interaction] = field(default_factory=list)
    deals: list[Deal] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    #: the audit trail of the contact and what belongs to it, newest first
    changes: list[Change] = field(default_factory=list)
    #: the person's consents (`privacy.consents_of`)
    consents: list[dict[str, Any]] = field(default_factory=list)

    @property
    def timeline(self) -> list[TimelineEntry]:
        """Everything, newest first: interactions when they happened, the others by creation."""
        entries = [TimelineEntry(i.occurred_at, "interaction", i) for i in self.interactions]
        entries += [TimelineEntry(d.created_at, "deal", d) for d in self.deals]
        entries += [TimelineEntry(t.created_at, "task", t) for t in self.tasks]
        entries += [TimelineEntry(c.opened_at, "case", c) for c in self.cases]
        return sorted(entries, key=lambda e: e.at, reverse=True)


def contact_detail(session: Session, contact: Contact, *, limit: int | None = 200) -> ContactDetail:
    interactions = session.exec(
        select(Interaction)
        .where(Interaction.contact_id == contact.id)
        .order_by(col(Interaction.occurred_at).desc(), col(Interaction.id).desc())
        .limit(limit)
    ).all()
    deals = session.exec(
        select(Deal).where(Deal.contact_id == contact.id).order_by(col(Deal.created_at).desc())
    ).all()
    tasks = session.exec(
        select(Task).where(Task.contact_id == contact.id).order_by(col(Task.created_at).desc())
    ).all()
    cases = session.exec(
        select(Case).where(Case.contact_id == contact.id).order_by(col(Case.opened_at).desc())
    ).all()
    since = audit.created_entry(session, "contact", contact.id)
    changes = audit.history(session, contact_id=contact.id, after=since, limit=limit)
    from termcrm.services.privacy import consents_of

    return ContactDetail(
        view(session, contact),
        list(interactions),
        list(deals),
        list(tasks),
        list(cases),
        changes,
        consents_of(session, contact.id),
    )


def detail_record(detail: ContactDetail) -> dict[str, Any]:
    """`contact show --json`: the contact's record plus its timeline, newest first."""
    data = records.contact(detail.view)
    name = detail.view.contact.name
    converters = {
        "interaction": lambda r: records.interaction(r, contact_name=name),
        "deal": lambda r: records.deal(r, contact_name=name),
        "task": lambda r: records.task(r, contact_name=name),
        "case": lambda r: records.case(r, contact_name=name),
    }
    data["interactions"] = [converters["interaction"](i) for i in detail.interactions]
    data["deals"] = [converters["deal"](d) for d in detail.deals]
    data["tasks"] = [converters["task"](t) for t in detail.tasks]
    data["cases"] = [converters["case"](c) for c in detail.cases]
    data["history"] = [c.to_dict() for c in detail.changes]
    data["consents"] = detail.consents
    data["timeline"] = [
        {"type": e.type, "at": records.iso(e.at), **{"id": e.record.id}} for e in detail.timeline
    ]
    return data
