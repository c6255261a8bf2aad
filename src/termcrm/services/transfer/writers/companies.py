"""Companies from import rows, deduplicated by name (any case)."""

from __future__ import annotations

from termcrm.services import validate
from termcrm.services.transfer.writers.base import RecordWriter
from termcrm.store.models import Company


class CompanyWriter(RecordWriter):
    table = Company

    def parse(self, v):
        created, updated = self.stamps(v)
        return {
            "name": validate.text(v.get("name"), "company name", required=True, max_len=200),
            "domain": validate.text(v.get("domain"), "domain", max_len=200),
            "industry": validate.text(v.get("industry"), "industry", max_len=100),
            "owner": self.owner(v),
            "notes": validate.text(v.get("notes"), "notes", max_len=20000),
            "created_at": created,
            "updated_at": updated,
        }
