"""Interactions (calls, emails, meetings, survey answers) from import rows."""

from __future__ import annotations

from termcrm.errors import Invalid
from termcrm.services import validate
from termcrm.services.transfer import values as cells
from termcrm.services.transfer.writers.base import RecordWriter
from termcrm.store.models import Interaction
from termcrm.vocab import ALL_INTERACTION_KINDS, DIRECTIONS, SURVEY_METRICS


class InteractionWriter(RecordWriter):
    table = Interaction

    def parse(self, v):
        created, updated = self.stamps(v)
        if not v.get("occurred_at", "").strip():
            raise Invalid("has no date (occurred_at)")
        metric = cells.choice(v, "metric", SURVEY_METRICS, None)
        score = cells.whole(v["score"], "score") if v.get("score", "").strip() else None
        if metric == "nps" and score is not None and not 0 <= score <= 10:
            raise Invalid(f"Invalid NPS score {score}: 0 to 10")
        if metric == "csat" and score is not None and not 1 <= score <= 5:
            raise Invalid(f"Invalid CSAT score {score}: 1 to 5")
        if "logged_by" in self.opts.columns:
            logged_by = validate.text(v.get("logged_by"), "logged_by", max_len=100)
        else:
            logged_by = self.opts.actor
        return {
            "contact_id": self.contact_ref(v, required=True),
            "kind": validate.choice(v.get("kind", ""), ALL_INTERACTION_KINDS, "kind"),
            "direction": cells.choice(v, "direction", DIRECTIONS, None),
            "occurred_at": cells.parse_datetime(v["occurred_at"], "occurred_at")[0],
            "summary": validate.text(v.get("summary"), "summary", required=True, max_len=500),
            "body": validate.text(v.get("body"), "body", max_len=100_000),
            "duration_min": validate.positive_int(
                v.get("duration_min"), "duration", validate.MAX_DURATION_MIN
            ),
            "outcome": validate.text(v.get("outcome"), "outcome", max_len=200),
            "metric": metric,
            "score": score,
            "logged_by": logged_by,
            "created_at": created,
            "updated_at": updated,
        }
