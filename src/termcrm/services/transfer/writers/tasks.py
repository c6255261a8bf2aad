"""Tasks (follow-ups) from import rows."""

from __future__ import annotations

from sqlalchemy import select

from termcrm import dates
from termcrm.errors import Invalid
from termcrm.services import validate
from termcrm.services.transfer import values as cells
from termcrm.services.transfer.writers.base import RecordWriter
from termcrm.store.models import Deal, Task
from termcrm.vocab import TASK_PRIORITIES


class TaskWriter(RecordWriter):
    table = Task

    def parse(self, v):
        created, updated = self.stamps(v)
        due_at, has_time = None, False
        if v.get("due_at", "").strip():
            due_at = cells.parse_datetime(v["due_at"], "due_at")[0]
            has_time = (
                cells.boolean(v["due_has_time"], "due_has_time")
                if "due_has_time" in v
                else due_at != dates.local_midnight(due_at.astimezone().date())
            )
        elif v.get("due", "").strip():
            due_at, has_time = cells.parse_datetime(v["due"], "due")
            if not has_time:
                due_at = dates.local_midnight(due_at.astimezone().date())
        deal_id = None
        if v.get("deal_id", "").strip():
            deal_id = validate.record_id(v["deal_id"], "deal")
            if self.conn.execute(select(Deal.id).where(Deal.id == deal_id)).scalar() is None:
                raise Invalid(f"no deal #{deal_id}")
        done_at = None
        if v.get("done_at", "").strip():
            done_at = cells.parse_datetime(v["done_at"], "done_at")[0]
        elif cells.boolean(v.get("done", ""), "done"):
            done_at = self.now
        contact_id = self.contact_ref(v, required=False)
        if contact_id is None and deal_id is not None:
            contact_id = self.conn.execute(
                select(Deal.contact_id).where(Deal.id == deal_id)
            ).scalar()
        return {
            "title": validate.text(v.get("title"), "title", required=True, max_len=500),
            "due_at": due_at,
            "due_has_time": has_time,
            "contact_id": contact_id,
            "deal_id": deal_id,
            "priority": cells.choice(v, "priority", TASK_PRIORITIES, "normal"),
            "recur": cells.recur(v.get("recur", "")),
            "notes": validate.text(v.get("notes"), "notes", max_len=20000),
            "done_at": done_at,
            "owner": self.owner(v),
            "created_at": created,
            "updated_at": updated,
        }
