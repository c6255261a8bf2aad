"""Support cases from import rows."""

from __future__ import annotations

from termcrm.services import validate
from termcrm.services.transfer import values as cells
from termcrm.services.transfer.writers.base import RecordWriter
from termcrm.store.models import Case
from termcrm.vocab import CASE_PRIORITIES, CASE_STATUSES


class CaseWriter(RecordWriter):
    table = Case

    def parse(self, v):
        created, updated = self.stamps(v)
        status = cells.choice(v, "status", CASE_STATUSES, "open")
        opened = v.get("opened_at", "").strip()
        resolved = v.get("resolved_at", "").strip()
        resolved_at = cells.parse_datetime(resolved, "resolved_at")[0] if resolved else None
        if status == "resolved" and resolved_at is None:
            resolved_at = self.now
        return {
            "contact_id": self.contact_ref(v, required=True),
            "subject": validate.text(v.get("subject"), "subject", required=True, max_len=500),
            "priority": cells.choice(v, "priority", CASE_PRIORITIES, "normal"),
            "status": status,
            "owner": self.owner(v),
            "opened_at": cells.parse_datetime(opened, "opened_at")[0] if opened else created,
            "_has_opened_at": bool(opened),
            "resolved_at": resolved_at,
            "resolution_note": validate.text(
                v.get("resolution_note"), "resolution note", max_len=20000
            ),
            "notes": validate.text(v.get("notes"), "notes", max_len=20000),
            "created_at": created,
            "updated_at": updated,
        }
