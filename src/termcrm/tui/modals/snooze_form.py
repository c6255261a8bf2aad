"""Snooze a task: move its due date to a later one."""

from __future__ import annotations

from sqlmodel import Session

from termcrm.tui.modals.form import FieldSpec, FormScreen


class SnoozeForm(FormScreen):
    """Dismisses with the task's id once moved, None when cancelled."""

    TITLE_TEXT = "Snooze the task until"
    FIELDS = (FieldSpec("until", "Until", "tomorrow, 3d, next mon 9:00, 2026-12-01"),)

    def __init__(self, task_id: int, task_title: str = "") -> None:
        super().__init__(title=f"Snooze “{task_title}” until" if task_title else None)
        self.task_id = task_id

    def apply(self, session: Session, values: dict[str, str]) -> int:
        from termcrm.services import tasks

        return tasks.snooze_task(session, self.task_id, values["until"]).id
