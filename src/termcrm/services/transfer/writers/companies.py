"""Companies from import rows, deduplicated by name (any case), with their tags and custom
fields (termcrm's own files carry them: `tags` and `fields` columns)."""

from __future__ import annotations

from sqlalchemy import delete, insert, select

from termcrm.services import validate
from termcrm.services.companies import LIMITS
from termcrm.services.transfer.writers.base import RecordWriter
from termcrm.services.transfer.writers.contacts import _fields_json
from termcrm.store import bulk
from termcrm.store.models import Company, CompanyField, CompanyTag


class CompanyWriter(RecordWriter):
    table = Company

    def parse(self, v):
        created, updated = self.stamps(v)
        return {
            "name": validate.text(
                v.get("name"), "company name", required=True, max_len=LIMITS["name"]
            ),
            "domain": validate.text(v.get("domain"), "domain", max_len=LIMITS["domain"]),
            "industry": validate.text(v.get("industry"), "industry", max_len=LIMITS["industry"]),
            "owner": self.owner(v),
            "notes": validate.text(v.get("notes"), "notes", max_len=LIMITS["notes"]),
            "created_at": created,
            "updated_at": updated,
        }

    def parse_row(self, row):
        rec = self.parse(row.values)
        fields = dict(row.custom)
        if "fields" in row.values:
            fields.update(_fields_json(row.values["fields"]))
        rec["_tags"] = sorted({validate.tag(t) for t in row.tags})
        rec["_fields"] = dict(validate.field_pair(f"{k}={v}") for k, v in fields.items())
        return rec

    def after_insert(self, recs):
        tags = [(r["id"], t) for r in recs for t in r["_tags"]]
        fields = [(r["id"], k, v) for r in recs for k, v in r["_fields"].items()]
        bulk.bulk_insert(self.conn, CompanyTag.__table__, tags, ["company_id", "tag"])
        bulk.bulk_insert(self.conn, CompanyField.__table__, fields, ["company_id", "key", "value"])

    def after_update(self, record_id, rec):
        """`--on-duplicate update`: the file's tags are added, its fields set."""
        have = set(
            self.conn.execute(
                select(CompanyTag.tag).where(CompanyTag.company_id == record_id)
            ).scalars()
        )
        for t in rec["_tags"]:
            if t not in have:
                self.conn.execute(insert(CompanyTag).values(company_id=record_id, tag=t))
        if rec["_fields"]:
            self.conn.execute(
                delete(CompanyField).where(
                    CompanyField.company_id == record_id,
                    CompanyField.key.in_(list(rec["_fields"])),
                )
            )
            self.conn.execute(
                insert(CompanyField),
                [
                    {"company_id": record_id, "key": k, "value": v}
                    for k, v in rec["_fields"].items()
                ],
            )
