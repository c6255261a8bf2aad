"""A new deal."""

from __future__ import annotations

from sqlmodel import Session

from termcrm.tui.modals.form import FieldSpec, FormScreen, at
from termcrm.vocab import DEAL_STAGES, DEFAULT_CURRENCY


class DealForm(FormScreen):
    """Dismisses with the deal's id once saved, None when cancelled."""

    TITLE_TEXT = "New deal"
    FIELDS = (
        FieldSpec("title", "Deal", "50 licences", words=("title",)),
        FieldSpec("contact", "Contact", "name, email or id", words=("contact",)),
        FieldSpec("value", "Value", "12000 or 1,200.50", words=("amount", "value")),
        FieldSpec("currency", "Currency", default=DEFAULT_CURRENCY, words=("currency",)),
        FieldSpec("stage", "Stage", choices=DEAL_STAGES, default="lead"),
        FieldSpec("probability", "Probability", "percent; default by stage"),
        FieldSpec("close", "Close by", "eom, next fri, 2026-12-15", words=("date", "close")),
    )

    def __init__(self, contact: str = "") -> None:
        super().__init__(values={"contact": contact} if contact else None)

    def apply(self, session: Session, values: dict[str, str]) -> int:
        from termcrm import dates
        from termcrm.services import contacts, deals, validate

        with at("value"):
            validate.amount_minor(values["value"] or "")
        with at("close"):
            if values["close"].strip():
                dates.parse_date(values["close"])
        with at("contact"):
            contact = contacts.resolve_contact(session, values["contact"])
        deal = deals.add_deal(
            session,
            values["title"],
            contact=contact,
            value=values["value"],
            currency=values["currency"] or None,
            stage=values["stage"] or None,
            probability=values["probability"] or None,
            close=values["close"].strip() or None,
            actor=self.app.actor,
        )
        return deal.id
