"""New contact / edit contact."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session
from textual import on, work
from textual.message import Message

from termcrm.errors import TermcrmError
from termcrm.tui.modals.form import FieldSpec, FormScreen, at
from termcrm.vocab import CONTACT_STAGES


def split_tags(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


class ContactForm(FormScreen):
    """Dismisses with the contact's id once saved, None when cancelled."""

    TITLE_TEXT = "New contact"
    FIELDS = (
        FieldSpec("name", "Name", "Ada Lovelace", words=("name must",)),
        FieldSpec("email", "Email", "ada@example.com"),
        FieldSpec("phone", "Phone"),
        FieldSpec("company", "Company"),
        FieldSpec("title", "Job title", words=("title",)),
        FieldSpec("stage", "Stage", choices=CONTACT_STAGES, default="lead"),
        FieldSpec("owner", "Owner", "who looks after them (default: you)"),
        FieldSpec("tags", "Tags", "comma separated: vip, newsletter", words=("tag",)),
    )

    @dataclass
    class _Record(Message):
        values: dict[str, str]

    def __init__(self, contact_id: int | None = None) -> None:
        title = "Edit contact" if contact_id else None
        super().__init__(title=title)
        self.contact_id = contact_id

    def on_mount(self) -> None:
        super().on_mount()
        if self.contact_id:
            self._load(self.contact_id)

    @work(thread=True, exclusive=True, group="form-load")
    def _load(self, contact_id: int) -> None:
        from termcrm.services import contacts, refs

        try:
            with self.app.store.read() as session:
                v = contacts.view(session, refs.contact(session, contact_id))
        except TermcrmError as exc:
            self.app.call_from_thread(self.app.show_error, exc.message)
            return
        c = v.contact
        self.post_message(
            self._Record(
                {
                    "name": c.name,
                    "email": c.email or "",
                    "phone": c.phone or "",
                    "company": v.company or "",
                    "title": c.title or "",
                    "stage": c.stage,
                    "owner": c.owner or "",
                    "tags": ", ".join(v.tags),
                }
            )
        )

    @on(_Record)
    def _loaded(self, message: _Record) -> None:
        self.set_values(message.values)

    def apply(self, session: Session, values: dict[str, str]) -> int:
        from termcrm.services import contacts, refs, validate

        with at("email"):
            validate.email(values["email"])
        with at("tags"):
            tags = [validate.tag(t) for t in split_tags(values["tags"])]
        if self.contact_id is None:
            contact = contacts.add_contact(
                session,
                values["name"],
                email=values["email"] or None,
                phone=values["phone"],
                company=values["company"] or None,
                title=values["title"],
                tags=tags,
                stage=values["stage"] or None,
                owner=values["owner"],
                actor=self.app.actor,
            )
            return contact.id
        contact = refs.contact(session, self.contact_id)
        contacts.edit_contact(
            session,
            contact,
            name=values["name"],
            email=values["email"],
            phone=values["phone"],
            company=values["company"],
            title=values["title"],
            stage=values["stage"] or None,
            owner=values["owner"],
            tags=tags,
            actor=self.app.actor,
        )
        return contact.id
