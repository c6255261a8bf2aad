"""A new task, for a contact or on its own."""

from __future__ import annotations

from sqlmodel import Session

from termcrm.tui.modals.form import FieldSpec, FormScreen, at
from termcrm.vocab import TASK_PRIORITIES


class TaskForm(FormScreen):
    """Dismisses with the task's id once saved, None when cancelled."""

    TITLE_TEXT = "New task"
    FIELDS = (
        FieldSpec("title", "Task", "Send the proposal", words=("title",)),
        FieldSpec("due", "Due", "tomorrow, next fri 9:00, 2026-12-01, 3d", words=("date", "due")),
        FieldSpec("priority", "Priority", choices=TASK_PRIORITIES, default="normal"),
        FieldSpec("recur", "Repeat", "daily, weekly, monthly, 10d, 2w", words=("recur",)),
    )

    def __init__(self, contact_id: int | None = None, contact_name: str | None = None) -> None:
        title = f"New task for {contact_name}" if contact_name else None
        super().__init__(title=title)
        self.contact_id = contact_id

    def apply(self, session: Session, values: dict[str, str]) -> int:
        from termcrm import dates
        from termcrm.services import contacts, tasks

        due = None
        if values["due"].strip():
            with at("due"):
                due = dates.parse_when(values["due"])
        contact = contacts.resolve_contact(session, self.contact_id) if self.contact_id else None
        task = tasks.add_task(
            session,
            values["title"],
            due=due,
            contact=contact,
            priority=values["priority"] or None,
            recur=values["recur"].strip() or None,
            actor=self.app.actor,
        )
        return task.id
