"""Deals from import rows, with their first stage-history entry."""

from __future__ import annotations

from termcrm.errors import Invalid
from termcrm.services import validate
from termcrm.services.transfer import values as cells
from termcrm.services.transfer.writers.base import RecordWriter
from termcrm.store import bulk
from termcrm.store.models import Deal, DealStageChange
from termcrm.vocab import CLOSED_DEAL_STAGES, DEAL_STAGES


class DealWriter(RecordWriter):
    table = Deal

    def parse(self, v):
        created, updated = self.stamps(v)
        stage = (
            validate.choice(cells.stage(v["stage"], "deals"), DEAL_STAGES, "stage")
            if v.get("stage", "").strip()
            else "lead"
        )
        if v.get("value_minor", "").strip():
            value = cells.whole(v["value_minor"], "value_minor")
            if value < 0:
                raise Invalid(f"Invalid value_minor {value}: must not be negative")
        else:
            value = validate.amount_minor(v.get("value", "").strip() or "0")
        closed = v.get("closed_at", "").strip()
        closed_at = cells.parse_datetime(closed, "closed_at")[0] if closed else None
        if closed_at is None and stage in CLOSED_DEAL_STAGES:
            closed_at = self.now
        close = v.get("expected_close", "").strip()
        company = validate.text(v.get("company"), "company", max_len=200)
        return {
            "title": validate.text(v.get("title"), "title", required=True, max_len=200),
            "contact_id": self.contact_ref(v, required=False),
            "company_id": self.company_id(company),
            "value_minor": value,
            "currency": validate.currency(v.get("currency")),
            "stage": stage,
            "probability": validate.percent(v.get("probability")),
            "expected_close": cells.parse_day(close, "expected_close") if close else None,
            "closed_at": closed_at,
            "lost_reason": validate.text(v.get("lost_reason"), "lost reason", max_len=500),
            "notes": validate.text(v.get("notes"), "notes", max_len=20000),
            "owner": self.owner(v),
            "_history": self.history(v, DEAL_STAGES),
            "created_at": created,
            "updated_at": updated,
        }

    def after_insert(self, recs):
        """Each new deal's stage history: as the file has it (termcrm's own), else one entry."""
        rows = []
        for r in recs:
            history = r["_history"]
            if history is None:
                history = [(None, r["stage"], r["created_at"], self.opts.actor)]
            rows.extend(
                {"deal_id": r["id"], "from_stage": a, "to_stage": b, "changed_at": at,
                 "changed_by": by}
                for a, b, at, by in history
            )  # fmt: skip
        bulk.bulk_insert(self.conn, DealStageChange.__table__, rows)
