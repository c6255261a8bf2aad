"""New contact / edit contact."""

from __future__ import annotations

from sqlmodel import Session

from termcrm.tui.modals.form import FieldSpec, FormScreen
from termcrm.vocab import CONTACT_STAGES


def split_tags(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


class ContactForm(FormScreen):
    """Dismisses with the contact's id once saved, None when cancelled."""

    TITLE_TEXT = "New contact"
    FIELDS = (
        FieldSpec("name", "Name", "Ada Lovelace"),
        FieldSpec("email", "Email", "ada@example.com"),
        FieldSpec("phone", "Phone"),
        FieldSpec("company", "Company"),
        FieldSpec("title", "Job title"),
        FieldSpec("stage", "Stage", choices=CONTACT_STAGES, default="lead"),
        FieldSpec("owner", "Owner", "who looks after them (default: you)"),
        FieldSpec("tags", "Tags", "comma separated: vip, newsletter"),
        FieldSpec("cadence", "Keep in touch", "every 30d, 6w, 2mo; 0 never; empty: the stage's"),
    )

    def __init__(self, contact_id: int | None = None) -> None:
        title = "Edit contact" if contact_id else None
        super().__init__(title=title)
        self.contact_id = contact_id

    @property
    def editing(self) -> bool:
        return self.contact_id is not None

    def load_values(self, session: Session) -> dict[str, str] | None:
        from termcrm.services import contacts, refs

        v = contacts.view(session, refs.contact(session, self.contact_id))
        c = v.contact
        return {
            "name": c.name,
            "email": c.email or "",
            "phone": c.phone or "",
            "company": v.company or "",
            "title": c.title or "",
            "stage": c.stage,
            "owner": c.owner or "",
            "tags": ", ".join(v.tags),
            "cadence": f"{c.cadence_days}d" if c.cadence_days is not None else "",
        }

    def apply(self, session: Session, values: dict[str, str]) -> int:
        from termcrm.services import contacts, refs

        tags = split_tags(values["tags"])
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
                cadence_days=values["cadence"],
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
            cadence_days=values["cadence"],
            actor=self.app.actor,
        )
        return contact.id
