"""Contacts from import rows: validated (`contacts.clean_contact`), deduplicated by email, or
without one by name and phone or company (`Namesakes`), bulk inserted."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete as sa_delete
from sqlalchemy import func, insert, select, update

from termcrm import phones
from termcrm.errors import Conflict, Invalid
from termcrm.services import names, validate
from termcrm.services.contacts import clean_contact, parse_cadence
from termcrm.services.transfer import sources
from termcrm.services.transfer import values as cells
from termcrm.services.transfer.rows import Row
from termcrm.services.transfer.sources import GOOGLE_MULTI
from termcrm.services.transfer.writers.base import Writer, _chunks, insert_new
from termcrm.services.transfer.writers.namesakes import (
    Namesakes,
    StoredNamesakes,
    lookalikes,
    phone_key,
)
from termcrm.store import bulk
from termcrm.store.models import (
    Contact,
    ContactField,
    ContactStageChange,
    ContactTag,
    email_key,
)
from termcrm.vocab import CONTACT_STAGES

#: the name's parts (`names.PARTS`): stored when a file has them (vCard N, First/Last Name)
NAME_KEYS = frozenset(names.PARTS)
NO_PARTS = names.empty()


class Hidden(Exception):
    """A LinkedIn connection who hides their details: counted, neither contact nor error."""


class ContactWriter(Writer):
    table = Contact

    def __init__(self, conn, result, opts) -> None:
        super().__init__(conn, result, opts)
        self.c_contacts = Contact.__table__
        self.c_tags = ContactTag.__table__
        self.c_fields = ContactField.__table__
        self.c_stages = ContactStageChange.__table__
        self.dt = bulk.datetime_param(conn)
        self.region = phones.default_region()
        #: LinkedIn: a row with only a date is a member who hides their details
        self.hidden_rows = sources.source(opts.source_format).hidden_rows
        #: whether the name's parts are stored (vCard N, termcrm's own files)
        self.keep_parts = opts.own_format or opts.name_parts
        #: the contacts there were before the import: new ones like them are counted
        self.existing_max = conn.execute(select(func.max(Contact.id))).scalar() or 0
        #: stored contacts without an email, by name (`namesakes`), and the names read
        self.stored_names = StoredNamesakes()

    def parse(self, row: Row) -> dict[str, Any]:
        """One row as a validated contact (values hold only non-blank cells): the file's
        shapes (Google's ` ::: ` lists, name parts, HubSpot stages, `30d` cadences) read
        here, the contact's own rules are `contacts.clean_contact`'s."""
        v = row.values
        get = v.get
        multi = GOOGLE_MULTI
        fields = row.custom
        addr = get("email")
        if addr is not None and multi in addr:
            addr, *more = [p.strip() for p in addr.split(multi)]
            fields["other emails"] = multi.join(more)
        phone = get("phone")
        if phone is not None and multi in phone:
            phone, *more = [p.strip() for p in phone.split(multi)]
            fields["other phones"] = multi.join(more)
        name = get("name")
        parts = NO_PARTS
        if not NAME_KEYS.isdisjoint(v):
            if self.keep_parts:
                parts = names.clean(v)
            if name is None:
                name = names.compose(parts if self.keep_parts else v) or None
        if (
            name is None
            and addr is None
            and phone is None
            and "company" not in v
            and self.hidden_rows
            and get("created_at")
        ):
            raise Hidden  # a member who hides their details: only "Connected On"
        stage = get("stage")
        cadence = get("cadence_days")
        rec = clean_contact(
            name,
            email=addr,
            phone=phone,
            company=get("company"),
            title=get("title"),
            stage=cells.stage(stage, "contacts") if stage is not None else None,
            source=get("source"),
            owner=get("owner") if "owner" in self.opts.columns else None,
            notes=get("notes"),
            cadence_days=parse_cadence(cadence) if cadence is not None else None,
            uid=get("uid"),
            region=self.region,
        )
        if rec["owner"] is None and "owner" not in self.opts.columns:
            rec["owner"] = self.opts.actor
        rec["owner"] = self.owner_login(rec["owner"])
        rec["parts"] = parts
        if "fields" in v:
            fields.update(_fields_json(v["fields"]))
            for key in [k for k in fields if len(k) > 100]:
                fields[key[:100]] = fields.pop(key)
        if "created_at" in v or "updated_at" in v:
            rec["created_at"], rec["updated_at"] = self.stamps(v)
        else:
            rec["created_at"] = rec["updated_at"] = self.now
        rec["history"] = self.history(v, CONTACT_STAGES)
        tags = row.tags
        rec["tags"] = sorted({validate.tag(t) for t in tags}) if tags else []
        rec["fields"] = fields
        raw_id = get("id", "")
        rec["id"] = raw_id
        rec["_nid"] = None
        if self.opts.own_format and raw_id.strip():  # checked last, as before
            rec["_nid"] = validate.record_id(raw_id, "contact")  # kept when restoring
        return rec

    def write(self, batch: list[tuple[int, Row]]) -> None:
        res = self.result
        recs: list[tuple[int, dict]] = []
        for line, row in batch:
            try:
                rec = self.parse(row)
            except Invalid as exc:
                res.add_bad(line, exc.message)
                continue
            except Hidden:
                res.hidden += 1
                continue
            recs.append((line, rec))
        self.prefetch_companies([r["company"] for _, r in recs if r["company"]])
        companies = self.companies
        for _, rec in recs:
            company = rec["company"]
            if company is None:
                rec["company_id"] = None
            else:
                key = self.lower(company)
                cid = companies.get(key)
                rec["company_id"] = cid if cid is not None else self.company_id(company)
        # duplicates: in the database (earlier batches included) and earlier in this batch
        low = self.lower
        own_ids = self.opts.own_format
        for _, r in recs:
            if r["email"]:
                r["key"] = ("e", email_key(r["email"]))
            elif own_ids and r["id"].strip():
                # termcrm's own rows without email are the same record only by id and name
                r["key"] = ("i", r["id"].strip(), low(r["name"]))
            else:
                # without an email a name is not a person: see `Namesakes`
                r["key"] = ("n", low(r["name"]))
                r["_phone"] = phone_key(r["phone"], r["phone_e164"])
        emails = list({r["key"][1] for _, r in recs if r["key"][0] == "e"})
        by_email: dict[str, int] = {}
        for cid, lowered in bulk.select_in(
            self.conn,
            lambda part: select(Contact.id, Contact.email_key).where(Contact.email_key.in_(part)),
            emails,
            "SELECT id, email_key FROM contacts WHERE email_key IN ({marks})",
        ):
            by_email[lowered] = cid
        by_name = self.namesakes([r for _, r in recs if r["key"][0] == "n"])
        by_id: dict[tuple, int] = {}
        ids = [int(r["key"][1]) for _, r in recs if r["key"][0] == "i" and r["key"][1].isdigit()]
        if ids and not self.keep_ids:
            for chunk in _chunks(ids):
                for cid, lowered in self.conn.execute(
                    select(Contact.id, func.lower(Contact.name)).where(
                        Contact.email.is_(None), Contact.id.in_(chunk)
                    )
                ):
                    by_id[("i", str(cid), lowered)] = cid
        pending: dict[Any, tuple[int, dict]] = {}
        pending_names = Namesakes()
        new: list[dict] = []
        for line, rec in recs:
            key = rec["key"]
            why = ""
            if key[0] == "n":
                existing, why = by_name.find(key[1], rec["_phone"], rec["company_id"])
                earlier = None
                if existing is None:
                    earlier, why = pending_names.find(key[1], rec["_phone"], rec["company_id"])
            else:
                existing = by_email.get(key[1]) if key[0] == "e" else by_id.get(key)
                earlier = pending.get(key)
                why = "email" if key[0] == "e" else "id and name"
            if existing is None and earlier is None:
                if key[0] == "n":
                    pending_names.add((line, rec), key[1], rec["_phone"], rec["company_id"])
                else:
                    pending[key] = (line, rec)
                rec["_line"] = line
                new.append(rec)
                continue
            mode = self.opts.on_duplicate
            where = f"contact #{existing}" if existing else f"line {earlier[0]}"
            if mode == "error":
                what = f"email {rec['email']}" if rec["email"] else f"name {rec['name']!r}"
                res.add_bad(line, f"duplicate: the {what} is already used by {where} ({why})")
            elif mode == "skip":
                res.add_skip(
                    line,
                    f"same {why} as {where}",
                    existing=existing,
                    earlier=None if existing else earlier[0],
                )
            elif existing is not None:
                try:
                    self.check_change(existing)
                except Invalid as exc:
                    res.add_bad(line, exc.message)
                    continue
                self.update(existing, rec)
                if key[0] == "n":  # found from now on by its new phone or company too
                    by_name.add(existing, key[1], rec["_phone"], rec["company_id"])
                res.updated += 1
            else:
                _merge(earlier[1], rec)
                if key[0] == "n":  # found from now on by its new phone or company too
                    other = earlier[1]
                    pending_names.add(earlier, key[1], other["_phone"], other["company_id"])
                res.updated += 1
        if new and self.existing_max:
            res.likely_duplicates += self.lookalikes(new)
        if new and res.writing:
            self.insert(new)
            for r in new:
                if r["key"][0] == "n" and "_cid" in r:
                    by_name.add(r["_cid"], r["key"][1], r["_phone"], r["company_id"])
        elif new:
            res.created += len(new)  # counted for the report; rolled back anyway

    def namesakes(self, recs: list[dict]) -> Namesakes:
        """The stored contacts without an email that share a name with these rows without
        one (`StoredNamesakes`: each name read once, kept from batch to batch)."""
        return self.stored_names.read(self.conn, {r["key"][1] for r in recs})

    def lookalikes(self, recs: list[dict]) -> int:
        """How many of `recs` have the name or the phone of a contact from before the import
        (`contact add` warns about each; the import says how many)."""
        return lookalikes(self.conn, recs, int(self.existing_max), self.lower)

    #: the columns a new contact is inserted with, in the order of `contact_row`
    CONTACT_COLUMNS = [
        "id", "name", "email", "email_key", "phone", "phone_e164", "title", "company_id",
        "stage", "source", "owner", "notes", "cadence_days", "created_at", "updated_at",
    ]  # fmt: skip
    #: with the name's parts and the vCard UID, for batches that have any
    NAMED_COLUMNS = [*CONTACT_COLUMNS, *names.PARTS, "uid"]
    STAGE_COLUMNS = ["contact_id", "from_stage", "to_stage", "changed_at", "changed_by"]

    @staticmethod
    def contact_row(cid: int, rec: dict, stage: str, created, updated) -> tuple:
        """A new contact's values in the order of `CONTACT_COLUMNS`."""
        return (
            cid, rec["name"], rec["email"], email_key(rec["email"]), rec["phone"],
            rec["phone_e164"], rec["title"], rec["company_id"], stage, rec["source"],
            rec["owner"], rec["notes"], rec["cadence_days"], created, updated,
        )  # fmt: skip

    @staticmethod
    def named_row(cid: int, rec: dict, stage: str, created, updated) -> tuple:
        """A new contact's values in the order of `NAMED_COLUMNS`."""
        parts = rec["parts"]
        return (
            *ContactWriter.contact_row(cid, rec, stage, created, updated),
            *(parts[key] for key in names.PARTS),
            rec["uid"],
        )

    def insert(self, recs: list[dict]) -> None:
        contacts, stages, tags, fields = [], [], [], []
        actor = self.opts.actor
        dt = self.dt
        keep_ids = self.keep_ids
        # most files have no name parts nor UIDs: their batches insert the usual columns
        named = any(r["parts"] is not NO_PARTS or r["uid"] is not None for r in recs)
        row = self.named_row if named else self.contact_row
        columns = self.NAMED_COLUMNS if named else self.CONTACT_COLUMNS
        fresh = iter(self.ids.take(sum(1 for r in recs if not (keep_ids and r["_nid"]))))
        for rec in recs:
            nid = rec["_nid"]
            if keep_ids and nid is not None:  # the file's own id, checked by `parse`
                cid = nid
                self.ids.keep(nid)
            else:
                cid = next(fresh)
            rec["_cid"] = cid
            stage = rec["stage"] or "lead"
            created = dt(rec["created_at"])
            updated = created if rec["updated_at"] is rec["created_at"] else dt(rec["updated_at"])
            contacts.append(row(cid, rec, stage, created, updated))
            if rec["history"] is not None:  # termcrm's own file: the history as it was
                stages.extend((cid, a, b, dt(at), by) for a, b, at, by in rec["history"])
            else:
                stages.append((cid, None, stage, created, actor))
            for t in rec["tags"]:
                tags.append((cid, t))
            for k, val in rec["fields"].items():
                fields.append((cid, k, val))
        conn = self.conn
        if self.ids.sequence:
            # PostgreSQL: another import may have written some of these contacts meanwhile
            inserted = insert_new(
                conn,
                self.c_contacts,
                [dict(zip(columns, c, strict=True)) for c in contacts],
            )
            if len(inserted) < len(contacts):
                self.written_meanwhile([r for r in recs if r["_cid"] not in inserted])
                stages = [s for s in stages if s[0] in inserted]
                tags = [x for x in tags if x[0] in inserted]
                fields = [x for x in fields if x[0] in inserted]
            self.result.created += len(inserted)
        else:
            bulk.bulk_insert(conn, self.c_contacts, contacts, columns, converted=True)
            self.result.created += len(recs)
        bulk.bulk_insert(conn, self.c_stages, stages, self.STAGE_COLUMNS, converted=True)
        bulk.bulk_insert(conn, self.c_tags, tags, ["contact_id", "tag"])
        bulk.bulk_insert(conn, self.c_fields, fields, ["contact_id", "key", "value"])

    def written_meanwhile(self, recs: list[dict]) -> None:
        """Contacts another writer committed while this import ran: duplicates after all,
        skipped or updated as `--on-duplicate` says (`error` makes them bad rows)."""
        emails = [email_key(r["email"]) for r in recs if r["email"]]
        found = dict(
            self.conn.execute(
                select(Contact.email_key, Contact.id).where(Contact.email_key.in_(emails))
            ).all()
        )
        res = self.result
        for rec in recs:
            existing = found.get(email_key(rec["email"])) if rec["email"] else None
            if existing is None:
                raise Conflict(
                    f"Line {rec['_line']}: another writer stored a record with the same id "
                    "while this import ran; nothing was imported, run it again"
                )
            if self.opts.on_duplicate == "update":
                try:
                    self.check_change(existing)
                except Invalid as exc:
                    res.add_bad(rec["_line"], exc.message)
                    continue
                self.update(existing, rec)
                res.updated += 1
            elif self.opts.on_duplicate == "skip":
                res.add_skip(
                    rec["_line"],
                    f"same email as contact #{existing} (stored by another writer during "
                    "this import)",
                    existing=existing,
                )
            else:
                res.add_bad(
                    rec["_line"],
                    f"duplicate: the email {rec['email']} is already used by contact "
                    f"#{existing} (stored by another writer during this import)",
                )

    def update(self, cid: int, rec: dict) -> None:
        """Fill and overwrite the existing contact from the file's non-empty values."""
        values: dict[str, Any] = {}
        if rec["named"]:
            values["name"] = rec["name"]
        for key in ("email", "phone", "title", "company_id", "source", "notes", "cadence_days"):
            if rec[key] is not None:
                values[key] = rec[key]
        if rec["parts"] is not NO_PARTS:
            values.update(rec["parts"])  # the file's name: all its parts (N is one property)
        if rec["uid"] is not None:
            values["uid"] = rec["uid"]
        if "email" in values:
            values["email_key"] = email_key(values["email"])
        if rec["phone"] is not None:
            values["phone_e164"] = rec["phone_e164"]
        if "owner" in self.opts.columns and rec["owner"]:
            values["owner"] = rec["owner"]
        old_stage = self.conn.execute(select(Contact.stage).where(Contact.id == cid)).scalar()
        if rec["stage"] and rec["stage"] != old_stage:
            values["stage"] = rec["stage"]
            self.conn.execute(
                insert(ContactStageChange).values(
                    contact_id=cid,
                    from_stage=old_stage,
                    to_stage=rec["stage"],
                    changed_at=self.now,
                    changed_by=self.opts.actor,
                )
            )
        values["updated_at"] = self.now
        self.conn.execute(update(Contact).where(Contact.id == cid).values(**values))
        have = set(
            self.conn.execute(select(ContactTag.tag).where(ContactTag.contact_id == cid)).scalars()
        )
        for t in rec["tags"]:
            if t not in have:
                self.conn.execute(insert(ContactTag).values(contact_id=cid, tag=t))
        if rec["fields"]:
            self.conn.execute(
                sa_delete(ContactField).where(
                    ContactField.contact_id == cid, ContactField.key.in_(list(rec["fields"]))
                )
            )
            self.conn.execute(
                insert(ContactField),
                [{"contact_id": cid, "key": k, "value": v} for k, v in rec["fields"].items()],
            )


def _merge(into: dict, rec: dict) -> None:
    """A later row of the same file updates a pending one (`--on-duplicate update`)."""
    if rec["named"]:
        into["name"], into["named"] = rec["name"], True
    for key in ("email", "phone", "title", "company_id", "stage", "source", "notes", "owner"):
        if rec[key] is not None:
            into[key] = rec[key]
    if rec["phone"] is not None:
        into["phone_e164"] = rec["phone_e164"]
    if "_phone" in into:
        into["_phone"] = phone_key(into["phone"], into["phone_e164"])
    if rec["parts"] is not NO_PARTS:
        into["parts"] = rec["parts"]
    if rec["uid"] is not None:
        into["uid"] = rec["uid"]
    into["tags"] = sorted(set(into["tags"]) | set(rec["tags"]))
    into["fields"] = {**into["fields"], **rec["fields"]}


def _fields_json(value: str) -> dict[str, str]:
    try:
        data = json.loads(value)
    except ValueError as exc:
        raise Invalid(f"Invalid fields {value[:40]!r}: not a JSON object") from exc
    if not isinstance(data, dict):
        raise Invalid(f"Invalid fields {value[:40]!r}: not a JSON object")
    return {str(k): str(v) for k, v in data.items() if str(v) != ""}
