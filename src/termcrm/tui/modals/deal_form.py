"""A new deal, or changes to one."""

from __future__ import annotations

from sqlmodel import Session

from termcrm.tui.modals.form import FieldSpec, FormScreen
from termcrm.vocab import DEAL_STAGES, DEFAULT_CURRENCY


class DealForm(FormScreen):
    """Dismisses with the deal's id once saved, None when cancelled."""

    TITLE_TEXT = "New deal"
    FIELDS = (
        FieldSpec("title", "Deal", "50 licences"),
        FieldSpec("contact", "Contact", "name, email or id"),
        FieldSpec("value", "Value", "12000 or 1,200.50"),
        FieldSpec("currency", "Currency", default=DEFAULT_CURRENCY),
        FieldSpec("stage", "Stage", choices=DEAL_STAGES, default="lead"),
        FieldSpec("probability", "Probability", "percent; default by stage"),
        FieldSpec("close", "Close by", "eom, next fri, 2026-12-15"),
    )

    def __init__(
        self,
        *,
        contact_id: int | None = None,
        contact_name: str = "",
        deal_id: int | None = None,
    ) -> None:
        super().__init__(
            title="Edit deal" if deal_id else None,
            values={"contact": contact_name} if contact_name else None,
        )
        #: the contact picked for the user; used unless they type another one
        self.contact_id = contact_id
        self.deal_id = deal_id

    @property
    def editing(self) -> bool:
        return self.deal_id is not None

    def load_values(self, session: Session) -> dict[str, str] | None:
        from termcrm.services import deals, refs
        from termcrm.services.records import money

        row = deals.deal_row(session, refs.deal(session, self.deal_id))
        d = row.deal
        self.contact_id = d.contact_id
        return {
            "title": d.title,
            "contact": row.contact or "",
            "value": money(d.value_minor) or "",
            "currency": d.currency,
            "stage": d.stage,
            "probability": "" if d.probability is None else str(d.probability),
            "close": d.expected_close.isoformat() if d.expected_close else "",
        }

    def apply(self, session: Session, values: dict[str, str]) -> int:
        from termcrm.services import deals, refs, validate

        with validate.about("contact"):  # the contact picked for the user, or the one typed
            if self.contact_id and values["contact"] == self.initial.get("contact"):
                contact = refs.contact(session, self.contact_id)
            else:
                contact = refs.contact(session, values["contact"])
        if self.deal_id is None:
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
        deal = refs.deal(session, self.deal_id)
        deals.edit_deal(
            session,
            deal,
            title=values["title"],
            value=values["value"],
            currency=values["currency"],
            probability=values["probability"],
            close=values["close"],
            contact=contact,
        )
        if values["stage"] and values["stage"] != deal.stage:
            deals.move_deal(session, deal, values["stage"], actor=self.app.actor)
        return deal.id
