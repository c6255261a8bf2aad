"""The trash: deleted records stay restorable for a while, then go for good.

Deleting a contact, company, deal, task, case or interaction calls `move_to_trash`, the one
way records are deleted. It stores a JSON snapshot of the record and of every row that hangs
on it (found through the foreign keys: rows deleted with it by `ON DELETE CASCADE` are kept
whole; rows that only lose their reference, `SET NULL`, are remembered by id), then deletes
the rows. The live tables never hold a trashed row, so no everyday query needs a filter.

`restore` puts the rows back with their ids and links the remembered rows again; it refuses
(Conflict) when an id or an email has been taken meanwhile. Entries older than the keep
period (`[trash] keep_days` in config.toml, default 30) are purged by every delete, by the
trash commands, and by any command that opens the database when one is due (a single index
probe when none is).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, delete, func, insert, select, update
from sqlmodel import Session, SQLModel

from termcrm import dates
from termcrm.errors import Conflict, Invalid, NotFound
from termcrm.store.models import Case, Company, Contact, Deal, Interaction, Task, TrashEntry

KEEP_DAYS = 30
_MODELS = {
    "contact": Contact,
    "company": Company,
    "deal": Deal,
    "task": Task,
    "case": Case,
    "interaction": Interaction,
}
KINDS = {
    "contact": "contacts",
    "company": "companies",
    "deal": "deals",
    "task": "tasks",
    "case": "cases",
    "interaction": "interactions",
}


@dataclass(frozen=True)
class TrashItem:
    id: int
    kind: str
    record_id: int
    label: str
    deleted_at: datetime
    deleted_by: str | None
    expires_at: datetime
    rows: int


def keep_days() -> int:
    from termcrm import config

    value = config.section("trash").get("keep_days", KEEP_DAYS)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise Invalid(f"[trash] keep_days in {config.config_path()} must be a whole number ≥ 0")
    return value


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "$dt" in value:
            return datetime.fromisoformat(value["$dt"])
        if "$d" in value:
            return date.fromisoformat(value["$d"])
    return value


def children_of(name: str) -> list[tuple[Table, str, str | None]]:
    """(child table, its column, its ON DELETE) of every foreign key to `name.id`."""
    table = _table(name)
    out = []
    for child in SQLModel.metadata.sorted_tables:
        for fk in child.foreign_keys:
            if fk.column.table is table and fk.column.name == "id":
                out.append((child, fk.parent.name, (fk.ondelete or "").upper() or None))
    return out


def snapshot(session: Session, table: Table, where) -> dict[str, Any]:
    """The rows of `table` matching `where` and everything that hangs on them, as JSON-able
    data: {"rows": [[table, row], ...] parents first, "links": [[table, column, id, ids]]}."""
    rows: list[list[Any]] = []
    links: list[list[Any]] = []
    _collect(session, table, where, rows, links)
    return {"rows": rows, "links": links}


def _collect(session: Session, table: Table, where, rows: list, links: list) -> None:
    found = [dict(r._mapping) for r in session.execute(select(table).where(where))]
    if not found:
        return
    rows.extend([table.name, {k: _encode(v) for k, v in r.items()}] for r in found)
    if "id" not in table.c:
        return
    ids = [r["id"] for r in found]
    for child, column, ondelete in children_of(table.name):
        if child is table:
            continue
        if ondelete == "CASCADE":
            _collect(session, child, child.c[column].in_(ids), rows, links)
        elif "id" in child.c:
            for parent_id in ids:
                refs = session.scalars(select(child.c.id).where(child.c[column] == parent_id))
                ref_ids = list(refs)
                if ref_ids:
                    links.append([child.name, column, parent_id, ref_ids])


def move_to_trash(
    session: Session, kind: str, record_id: int, label: str, actor: str | None
) -> TrashEntry:
    """Delete a record with what hangs on it, keeping a restorable snapshot. The one delete."""
    table = _table(KINDS[kind])
    data = snapshot(session, table, table.c.id == record_id)
    if not data["rows"]:
        raise NotFound(f"No {kind} with id {record_id}")
    entry = TrashEntry(
        kind=kind,
        record_id=record_id,
        label=label[:300],
        payload=json.dumps(data, ensure_ascii=False),
        deleted_by=actor,
    )
    session.add(entry)
    session.flush()
    session.expunge_all()  # the ORM must not write back the rows deleted below
    # references that only lose their target are cleared by us, not by ON DELETE SET NULL:
    # SQLite runs the search index's INSERT OR IGNORE trigger as a plain INSERT when a
    # foreign key action fires it, and fails on a contact already noted
    for name, column, _parent, ids in data["links"]:
        child = _table(name)
        session.execute(update(child).where(child.c.id.in_(ids)).values({column: None}))
    # the record itself through the ORM, so that the audit trail records the delete on
    # SQLite too; its dependants go by the foreign keys' ON DELETE
    record = session.get(_MODELS[kind], record_id)
    session.delete(record)
    session.flush()
    purge_expired(session)
    return entry


@dataclass(frozen=True)
class Restored:
    kind: str
    label: str
    old_id: int
    new_id: int


def restore(session: Session, trash_id: int) -> Restored:
    """Put a trashed record and its dependants back, with their ids where those are still
    free (SQLite hands the highest id out again once it is deleted): a row whose id was
    taken meanwhile gets a new one, and the rows that point at it follow."""
    entry = session.get(TrashEntry, trash_id)
    if entry is None:
        raise NotFound(f"No trash entry {trash_id} (see 'termcrm trash list')")
    data = json.loads(entry.payload)
    remap: dict[tuple[str, int], int] = {}
    for name, row in data["rows"]:
        table = _table(name)
        values = {k: _decode(v) for k, v in row.items() if k in table.c}
        if name == "contacts" and values.get("email"):
            from termcrm.services import refs

            owner = refs.email_owner(session, values["email"])
            other = session.get(Contact, owner) if owner is not None else None
            if other is not None:
                raise Conflict(
                    f"Cannot restore: #{other.id} {other.name} has the email {other.email} now"
                )
        for col in table.c:
            for fk in col.foreign_keys:
                key = (fk.column.table.name, values.get(col.name))
                if key in remap:
                    values[col.name] = remap[key]
        old_id = values.get("id")
        if (
            old_id is not None
            and session.execute(select(table.c.id).where(table.c.id == old_id)).first()
        ):
            del values["id"]
            result = session.execute(insert(table).values(**values))
            remap[(name, old_id)] = result.inserted_primary_key[0]
        else:
            session.execute(insert(table).values(**values))
    for name, column, parent_id, ids in data["links"]:
        table = _table(name)
        parent = table.c[column].foreign_keys
        target = next(iter(parent)).column.table.name if parent else None
        session.execute(
            update(table)
            .where(table.c.id.in_(ids), table.c[column].is_(None))
            .values({column: remap.get((target, parent_id), parent_id)})
        )
    from termcrm.store import bulk

    for name in {name for name, _ in data["rows"]}:
        if "id" in _table(name).c:
            bulk.sync_id_sequence(session.connection(), name)
    session.delete(entry)
    session.flush()
    new_id = remap.get((KINDS[entry.kind], entry.record_id), entry.record_id)
    from termcrm.services import audit

    contact_id = new_id if entry.kind == "contact" else None
    audit.record(
        session,
        action="restore",
        entity=entry.kind,
        record_id=new_id,
        contact_id=contact_id,
        label=entry.label,
    )
    return Restored(entry.kind, entry.label, entry.record_id, new_id)


def _item(entry: TrashEntry, days: int) -> TrashItem:
    rows = len(json.loads(entry.payload)["rows"])
    return TrashItem(
        entry.id,
        entry.kind,
        entry.record_id,
        entry.label,
        entry.deleted_at,
        entry.deleted_by,
        entry.deleted_at + timedelta(days=days),
        rows,
    )


def list_trash(session: Session) -> list[TrashItem]:
    """What is in the trash, newest first (expired entries are not shown)."""
    days = keep_days()
    cutoff = dates.now() - timedelta(days=days)
    entries = session.scalars(
        select(TrashEntry)
        .where(TrashEntry.deleted_at >= cutoff)
        .order_by(TrashEntry.deleted_at.desc(), TrashEntry.id.desc())
    )
    return [_item(e, days) for e in entries]


def empty(session: Session, older_than: datetime | None = None) -> int:
    """Remove trash entries for good (all of them, or those deleted before `older_than`)."""
    stmt = delete(TrashEntry)
    if older_than is not None:
        stmt = stmt.where(TrashEntry.deleted_at < older_than)
    return session.execute(stmt).rowcount or 0


def count(session: Session, older_than: datetime | None = None) -> int:
    stmt = select(func.count(TrashEntry.id))
    if older_than is not None:
        stmt = stmt.where(TrashEntry.deleted_at < older_than)
    return session.execute(stmt).scalar_one()


def purge_expired(session: Session) -> int:
    """Remove the entries past the keep period (`[trash] keep_days`)."""
    return empty(session, dates.now() - timedelta(days=keep_days()))


def purge_if_due(store) -> None:
    """For every command that opens the database: purge expired entries when there are any.
    With none (the usual case) this is one read of the `deleted_at` index."""
    cutoff = dates.now() - timedelta(days=keep_days())
    with store.read() as session:
        due = session.execute(
            select(TrashEntry.id).where(TrashEntry.deleted_at < cutoff).limit(1)
        ).first()
    if due is not None:
        with store.write() as session:
            purge_expired(session)
