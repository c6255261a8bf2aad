"""The audit trail: who created, changed or deleted which record, when, and each changed
field's old and new value. `termcrm history` and a contact's timeline read it.

Written in one place per engine. On PostgreSQL, triggers write it with the login's name
(`termcrm.store.teamsql`), so no client can skip or forge it. On SQLite the session events
below write it from what each flush changed, in the same transaction; writes that bypass
the ORM (bulk imports) record one summary entry (`record_bulk`). A deleted record's history
stays: the trail has no foreign keys.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import event, func, inspect, or_
from sqlalchemy.orm import Session
from sqlmodel import col, select

from termcrm import dates, paths
from termcrm.errors import Invalid, NotFound
from termcrm.services._query import ieq
from termcrm.store.models import AuditEntry, Case, Deal, Task
from termcrm.store.teamsql import AUDITED

#: bookkeeping columns that say nothing a reader of the trail needs
_SKIP = frozenset({"id", "created_at", "updated_at"})
ENTITIES = tuple(entity for entity, _ in AUDITED.values())
_TABLES = {"deal": Deal, "task": Task, "case": Case}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return dates.iso(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _loaded(state, key: str) -> Any:
    """An attribute's value as the database had it before this flush."""
    hist = state.attrs[key].history
    before = hist.deleted or hist.unchanged
    return before[0] if before else state.dict.get(key)


def _changes(obj, action: str) -> dict[str, list]:
    state = inspect(obj)
    out: dict[str, list] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in _SKIP:
            continue
        if action == "create":
            old, new = None, state.dict.get(key)
        elif action == "delete":
            old, new = _loaded(state, key), None
        else:
            hist = state.attrs[key].history
            if not hist.has_changes():
                continue
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
        old, new = _plain(old), _plain(new)
        if old != new:
            out[key] = [old, new]
    return out


def _entry(obj, action: str, actor: str, at: datetime) -> dict | None:
    entity, label_column = AUDITED[obj.__tablename__]
    changes = _changes(obj, action)
    if action == "change" and not changes:
        return None
    state = inspect(obj)
    label = state.dict.get(label_column) or _loaded(state, label_column)
    contact_id = obj.id if entity == "contact" else state.dict.get("contact_id")
    return {
        "at": at,
        "actor": actor,
        "action": action,
        "entity": entity,
        "record_id": obj.id,
        "contact_id": contact_id,
        "label": str(label)[:200] if label is not None else None,
        "changes": json.dumps(changes, ensure_ascii=False, sort_keys=True),
    }


def _after_flush(session: Session, _context) -> None:
    """SQLite: record this flush's creates, changes and deletes of the audited tables."""
    if session.get_bind().dialect.name != "sqlite":
        return  # PostgreSQL's triggers write the trail
    actor = session.info.get("actor") or paths.current_user()
    at = dates.now()
    rows = []
    for action, objs in (
        ("create", session.new),
        ("change", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objs:
            if getattr(obj, "__tablename__", None) in AUDITED:
                row = _entry(obj, action, actor, at)
                if row is not None:
                    rows.append(row)
    if rows:
        session.connection().execute(AuditEntry.__table__.insert(), rows)


def install() -> None:
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


def record_bulk(conn, *, entity: str, count: int, actor: str, label: str) -> None:
    """One summary entry for a bulk write that bypassed the ORM (SQLite; PostgreSQL's
    triggers saw every row)."""
    if conn.dialect.name != "sqlite" or count == 0:
        return
    conn.execute(
        AuditEntry.__table__.insert(),
        {
            "at": dates.now(),
            "actor": actor,
            "action": "import",
            "entity": entity,
            "record_id": 0,
            "contact_id": None,
            "label": label[:200],
            "changes": json.dumps({"rows": [None, count]}),
        },
    )


def record(
    session: Session,
    *,
    action: str,
    entity: str,
    record_id: int,
    contact_id: int | None = None,
    label: str | None = None,
    changes: dict[str, list] | None = None,
    everywhere: bool = False,
) -> None:
    """One entry for a write no flush event describes (a merge, a restore): on SQLite only,
    as PostgreSQL's triggers saw the rows; `everywhere` for an entry no row change makes
    (an erasure), which on PostgreSQL needs the database owner (the trail is not the
    team roles' to write)."""
    if not everywhere and session.get_bind().dialect.name != "sqlite":
        return
    session.connection().execute(
        AuditEntry.__table__.insert(),
        {
            "at": dates.now(),
            "actor": session.info.get("actor") or paths.current_user(),
            "action": action,
            "entity": entity,
            "record_id": record_id,
            "contact_id": contact_id,
            "label": label[:200] if label else None,
            "changes": json.dumps(changes or {}, ensure_ascii=False, sort_keys=True),
        },
    )


# -- reading the trail --------------------------------------------------------------------------


@dataclass
class Change:
    entry: AuditEntry

    @property
    def fields(self) -> dict[str, list]:
        try:
            found = json.loads(self.entry.changes or "{}")
        except ValueError:
            return {}
        return found if isinstance(found, dict) else {}

    @property
    def record(self) -> str:
        e = self.entry
        name = f" {e.label}" if e.label else ""
        return f"{e.entity} #{e.record_id}{name}" if e.record_id else f"{e.entity}{name}"

    @property
    def summary(self) -> str:
        """`stage: proposal → won; value_minor: 100 → 200`, one line for people."""
        fields = self.fields
        if self.entry.action == "delete":
            return "deleted"
        if self.entry.action == "import":
            return f"{fields.get('rows', [None, 0])[1]} rows"
        parts = []
        for key, (old, new) in sorted(fields.items()):
            shown = (
                _shown(new) if self.entry.action == "create" else f"{_shown(old)} → {_shown(new)}"
            )
            parts.append(f"{key}: {shown}")
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        e = self.entry
        return {
            "id": e.id,
            "at": dates.iso(e.at),
            "user": e.actor,
            "action": e.action,
            "entity": e.entity,
            "record_id": e.record_id,
            "contact_id": e.contact_id,
            "label": e.label,
            "changes": {k: {"old": v[0], "new": v[1]} for k, v in sorted(self.fields.items())},
        }


def _shown(value: Any) -> str:
    text = "∅" if value is None else str(value)
    return text if len(text) <= 60 else text[:59] + "…"


@dataclass
class Query:
    """What `history` was asked about: one contact (with what belongs to it) or one record."""

    contact: str | None = None
    entity: str | None = None
    record_id: int | None = None

    def resolve(self, session: Session) -> dict[str, Any]:
        """The `history` filters; a record that exists is shown from its creation on (SQLite
        may give a new record the id of a deleted one), a deleted one with all it left."""
        if self.contact is None:
            if self.entity is None:
                return {}
            table = _TABLES[self.entity]
            exists = session.get(table, self.record_id) is not None
            return {
                "entity": self.entity,
                "record_id": self.record_id,
                "after": created_entry(session, self.entity, self.record_id) if exists else None,
            }
        from termcrm.services import refs

        ref = self.contact.strip().lstrip("#")
        try:
            found = refs.contact_id(session, self.contact)
        except NotFound:
            if ref.isascii() and ref.isdigit():  # a deleted contact's history stays
                from termcrm.services import validate

                return {"contact_id": validate.record_id(ref, "contact")}
            raise
        return {"contact_id": found, "after": created_entry(session, "contact", found)}


def created_entry(session: Session, entity: str, record_id: int) -> int | None:
    """The id of the entry that recorded this record's creation (the newest such)."""
    return session.exec(
        select(func.max(AuditEntry.id)).where(
            AuditEntry.entity == entity,
            AuditEntry.record_id == record_id,
            AuditEntry.action == "create",
        )
    ).one()


def query_for(
    *,
    contact: str | None = None,
    deal: int | None = None,
    task: int | None = None,
    case: int | None = None,
) -> Query:
    records = [(e, i) for e, i in (("deal", deal), ("task", task), ("case", case)) if i]
    if len(records) + (contact is not None) > 1:
        raise Invalid("Ask about one thing at a time: CONTACT, --deal, --task or --case")
    if records:
        return Query(entity=records[0][0], record_id=records[0][1])
    return Query(contact=contact)


def history(
    session: Session,
    *,
    contact_id: int | None = None,
    entity: str | None = None,
    record_id: int | None = None,
    user: str | None = None,
    since: datetime | None = None,
    after: int | None = None,
    limit: int | None = None,
) -> list[Change]:
    """Entries of the trail, newest first. `contact_id`: the contact's own changes and those
    of its deals, tasks, cases and interactions; `entity` and `record_id`: one record's."""
    stmt = select(AuditEntry)
    if contact_id is not None:
        stmt = stmt.where(
            or_(
                AuditEntry.contact_id == contact_id,
                (AuditEntry.entity == "contact") & (AuditEntry.record_id == contact_id),
            )
        )
    if entity is not None:
        stmt = stmt.where(AuditEntry.entity == entity)
    if record_id is not None:
        stmt = stmt.where(AuditEntry.record_id == record_id)
    if user:
        stmt = stmt.where(ieq(AuditEntry.actor, user))
    if since is not None:
        stmt = stmt.where(AuditEntry.at >= since)
    if after is not None:
        stmt = stmt.where(AuditEntry.id >= after)
    stmt = stmt.order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
    if limit is not None:
        stmt = stmt.limit(limit)
    return [Change(e) for e in session.exec(stmt).all()]
