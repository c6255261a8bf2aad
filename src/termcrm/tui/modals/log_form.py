"""Log an interaction with a contact: the summary first, the kind a call unless changed."""

from __future__ import annotations

from sqlmodel import Session

from termcrm.tui.modals.form import FieldSpec, FormScreen
from termcrm.vocab import DIRECTIONS, INTERACTION_KINDS


class LogForm(FormScreen):
    """Dismisses with the interaction's id once saved, None when cancelled."""

    TITLE_TEXT = "Log an interaction"
    FIELDS = (
        FieldSpec("summary", "Summary", "what happened, in one line"),
        FieldSpec("kind", "Kind", choices=INTERACTION_KINDS, default="call"),
        FieldSpec("when", "When", "now, yesterday 14:00, 2026-11-02"),
        FieldSpec("direction", "Direction", choices=DIRECTIONS, allow_blank=True),
        FieldSpec("duration", "Minutes", "e.g. 15"),
        FieldSpec("outcome", "Outcome"),
        FieldSpec("body", "Notes"),
        FieldSpec("follow_up", "Follow up", "e.g. next fri: adds a task"),
    )

    def __init__(self, contact_id: int, contact_name: str | None = None) -> None:
        title = f"Log an interaction with {contact_name}" if contact_name else None
        super().__init__(title=title)
        self.contact_id = contact_id

    def apply(self, session: Session, values: dict[str, str]) -> int:
        from termcrm.services import interactions, refs

        logged = interactions.log_interaction(
            session,
            refs.contact(session, self.contact_id),
            values["kind"] or "call",
            values["summary"],
            when=values["when"].strip() or None,
            body=values["body"] or None,
            direction=values["direction"] or None,
            duration=values["duration"].strip() or None,
            outcome=values["outcome"] or None,
            follow_up=values["follow_up"].strip() or None,
            actor=self.app.actor,
        )
        return logged.interaction.id
