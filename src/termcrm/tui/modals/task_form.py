"""A new task, for a contact or on its own."""

from __future__ import annotations

from sqlmodel import Session

from termcrm.tui.modals.form import FieldSpec, FormScreen
from termcrm.vocab import TASK_PRIORITIES


class TaskForm(FormScreen):
    """Dismisses with the task's id once saved, None when cancelled."""

    TITLE_TEXT = "New task"
    FIELDS = (
        FieldSpec("title", "Task", "Send the proposal"),
        FieldSpec("due", "Due", "tomorrow, next fri 9:00, 2026-12-01, 3d"),
        FieldSpec("priority", "Priority", choices=TASK_PRIORITIES, default="normal"),
        FieldSpec("recur", "Repeat", "daily, weekly, monthly, 10d, 2w"),
    )

    def __init__(
        self,
        contact_id: int | None = None,
        contact_name: str | None = None,
        *,
        task_id: int | None = None,
    ) -> None:
        title = f"New task for {contact_name}" if contact_name else None
        super().__init__(title="Edit task" if task_id else title)
        self.contact_id = contact_id
        self.task_id = task_id

    @property
    def editing(self) -> bool:
        return self.task_id is not None

    def load_values(self, session: Session) -> dict[str, str] | None:
        from termcrm import dates
        from termcrm.services import refs

        t = refs.task(session, self.task_id)
        due = dates.show(t.due_at, with_time=t.due_has_time) if t.due_at else ""
        return {"title": t.title, "due": due, "priority": t.priority, "recur": t.recur or ""}

    def apply(self, session: Session, values: dict[str, str]) -> int:
        from termcrm.services import refs, tasks

        if self.task_id is not None:
            task = tasks.edit_task(
                session,
                self.task_id,
                title=values["title"],
                due=values["due"].strip(),
                priority=values["priority"] or None,
                recur=values["recur"].strip(),
            )
            return task.id
        contact = refs.contact(session, self.contact_id) if self.contact_id else None
        task = tasks.add_task(
            session,
            values["title"],
            due=values["due"].strip() or None,
            contact=contact,
            priority=values["priority"] or None,
            recur=values["recur"].strip() or None,
            actor=self.app.actor,
        )
        return task.id
