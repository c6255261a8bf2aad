"""Tasks and follow-ups: creation, due dates, recurrence, completion, snoozing."""

from __future__ import annotations

from sqlmodel import Session

from termcrm import dates
from termcrm.services import validate
from termcrm.store.models import Contact, Deal, Task
from termcrm.vocab import TASK_PRIORITIES


def add_task(
    session: Session,
    title: str,
    *,
    due: str | dates.When | None = None,
    contact: Contact | None = None,
    deal: Deal | None = None,
    priority: str | None = None,
    recur: str | None = None,
    owner: str | None = None,
    actor: str | None = None,
) -> Task:
    """Create an open task; `due` is a phrase (`next fri`) or a parsed `When`."""
    when = dates.parse_when(due) if isinstance(due, str) else due
    task = Task(
        title=validate.text(title, "title", required=True, max_len=500),
        due_at=when.at if when else None,
        due_has_time=bool(when and when.has_time),
        contact_id=contact.id if contact else (deal.contact_id if deal else None),
        deal_id=deal.id if deal else None,
        priority=validate.choice(priority or "normal", TASK_PRIORITIES, "priority"),
        recur=recur,
        owner=validate.text(owner, "owner", max_len=100) or actor,
    )
    session.add(task)
    session.flush()
    return task
