"""Log an interaction with a contact: the summary first, the kind a call unless changed."""

from __future__ import annotations

from sqlmodel import Session

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
        from termcrm.services import interactions, refs, validate

        # the service reads the phrases itself; reading them here first tells which field
        # a bad one was typed in (the when and the follow-up are both dates)
        when, follow_up = values["when"].strip(), values["follow_up"].strip()
        if when:
            with at("when"):
                dates.parse_when(when, backwards=True)
        if follow_up:
            with at("follow_up"):
                dates.parse_when(follow_up)
        with at("duration"):
            validate.positive_int(values["duration"], "duration")
        contact = refs.contact(session, self.contact_id)
        logged = interactions.log_interaction(
            session,
            contact,
            values["kind"] or "call",
            values["summary"],
            when=when or None,
            body=values["body"] or None,
            direction=values["direction"] or None,
            duration=values["duration"].strip() or None,
            outcome=values["outcome"] or None,
            follow_up=follow_up or None,
            actor=self.app.actor,
        )
        return logged.interaction.id
