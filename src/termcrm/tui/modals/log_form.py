"""Log an interaction with a contact: the summary first, the kind a call unless changed."""

from __future__ import annotations

from sqlmodel import Session

from termcrm.errors import Invalid
from termcrm.tui.modals.form import FieldSpec, FormScreen, at
from termcrm.vocab import DIRECTIONS, INTERACTION_KINDS


class LogForm(FormScreen):
    """Dismisses with the interaction's id once saved, None when cancelled."""

    TITLE_TEXT = "Log an interaction"
    FIELDS = (
        FieldSpec("summary", "Summary", "what happened, in one line", words=("summary",)),
        FieldSpec("kind", "Kind", choices=INTERACTION_KINDS, default="call", words=("kind",)),
        FieldSpec("when", "When", "now, yesterday 14:00, 2026-11-02", words=("when", "date")),
        FieldSpec("direction", "Direction", choices=DIRECTIONS, allow_blank=True),
        FieldSpec("duration", "Minutes", "e.g. 15", words=("duration", "minutes")),
        FieldSpec("outcome", "Outcome", words=("outcome",)),
        FieldSpec("body", "Notes", words=("body", "notes")),
        FieldSpec("follow_up", "Follow up", "e.g. next fri: adds a task", words=("follow",)),
    )

    def __init__(self, contact_id: int, contact_name: str | None = None) -> None:
        title = f"Log an interaction with {contact_name}" if contact_name else None
        super().__init__(title=title)
        self.contact_id = contact_id

    def apply(self, session: Session, values: dict[str, str]) -> int:
        from termcrm import dates
        from termcrm.services import contacts

        try:
            from termcrm.services import interactions
        except ImportError as exc:  # lands with the interactions issue
            raise Invalid("Logging needs the interactions service of a newer termcrm") from exc
        when = follow_up = None
        if values["when"].strip():
            with at("when"):
                when = dates.parse_when(values["when"], backwards=True)
        if values["follow_up"].strip():
            with at("follow_up"):
                follow_up = dates.parse_when(values["follow_up"])
        duration = None
        if values["duration"].strip():
            from termcrm.services import validate

            with at("duration"):
                duration = validate.positive_int(values["duration"], "duration")
        contact = contacts.resolve_contact(session, self.contact_id)
        interaction = interactions.log_interaction(
            session,
            contact,
            values["kind"] or "call",
            values["summary"],
            when=when,
            body=values["body"] or None,
            direction=values["direction"] or None,
            duration=duration,
            outcome=values["outcome"] or None,
            follow_up=follow_up,
            actor=self.app.actor,
        )
        return interaction.id
