"""A new task, for a contact or on its own."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session
from textual import on, work
from textual.message import Message

from termcrm.errors import TermcrmError
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

    @dataclass
    class _Record(Message):
        values: dict[str, str]

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

    def on_mount(self) -> None:
        super().on_mount()
        if self.task_id:
            self._load(self.task_id)

    @work(thread=True, exclusive=True, group="form-load")
    def _load(self, task_id: int) -> None:
        from termcrm import dates
        from termcrm.services import refs

        try:
            with self.app.store.read() as session:
                t = refs.task(session, task_id)
        except TermcrmError as exc:
            self.app.call_from_thread(self.app.show_error, exc.message)
            return
        due = dates.show(t.due_at, with_time=t.due_has_time) if t.due_at else ""
        self.post_message(
            self._Record(
                {"title": t.title, "due": due, "priority": t.priority, "recur": t.recur or ""}
            )
        )

    @on(_Record)
    def _loaded(self, message: _Record) -> None:
        self.set_values(message.values)

    def apply(self, session: Session, values: dict[str, str]) -> int:
        from termcrm import dates
        from termcrm.services import refs, tasks

        due = None
        if values["due"].strip():
            with at("due"):
                due = dates.parse_when(values["due"])
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
            due=due,
            contact=contact,
            priority=values["priority"] or None,
            recur=values["recur"].strip() or None,
            actor=self.app.actor,
        )
        return task.id
