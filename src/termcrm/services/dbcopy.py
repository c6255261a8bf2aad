"""`db copy`: a whole CRM from one database to another (SQLite ↔ PostgreSQL), unchanged.

Every table of the schema is copied in foreign-key order with its ids, in one transaction on
the target: stage history and the audit trail included (PostgreSQL's audit triggers are off
for the copy, so the trail is the source's, not a record of the copy). Afterwards the id
sequences are moved past the copied ids, and each table's row count and a checksum of its
rows, read back from the target, must equal the source's, else nothing is kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, Table, delete, func, select
from sqlmodel import SQLModel

from termcrm import dates, paths
from termcrm.errors import Conflict, StoreError
from termcrm.store import bulk, teamsql
from termcrm.store.engine import Store, open_store

#: rows read and written at a time
CHUNK = 2000

Progress = Callable[[str, int, int], None]


@dataclass
class TableCopy:
    table: str
    rows: int
    checksum: str

    def to_dict(self) -> dict:
        return {"table": self.table, "rows": self.rows, "checksum": self.checksum}


def tables() -> list[Table]:
    """The schema's tables, parents before children."""
    import termcrm.store.models  # noqa: F401  (registers the tables)

    return list(SQLModel.metadata.sorted_tables)


def _key(table: Table) -> list:
    return list(table.primary_key.columns)


def _plain(value) -> str:
    """A value as the checksum sees it: the same on both engines."""
    if isinstance(value, datetime):
        return dates.iso(value) or ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(int(value))
    return "\x00" if value is None else str(value)


def _rows(conn: Connection, table: Table) -> Iterator[list[dict]]:
    """All rows in primary-key order, a chunk at a time (by id where there is one, so that
    each chunk is one index range; else by offset: the tables keyed otherwise are small)."""
    key = _key(table)
    query = select(table).order_by(*key).limit(CHUNK)
    last, offset = None, 0
    while True:
        if len(key) == 1:
            page = query.where(key[0] > last) if last is not None else query
        else:
            page = query.offset(offset)
        rows = [dict(r) for r in conn.execute(page).mappings()]
        if not rows:
            return
        yield rows
        last, offset = rows[-1][key[0].name], offset + len(rows)


def _digest(conn: Connection, table: Table) -> tuple[int, str]:
    h = hashlib.sha256()
    n = 0
    names = [c.name for c in table.columns]
    for chunk in _rows(conn, table):
        for row in chunk:
            h.update("\x1f".join(_plain(row[c]) for c in names).encode() + b"\x1e")
            n += 1
    return n, h.hexdigest()[:16]


def is_empty(conn: Connection) -> bool:
    return all(conn.execute(select(func.count()).select_from(t)).scalar() == 0 for t in tables())


def copy(source: Store, target: str, *, replace: bool = False, progress: Progress | None = None):
    """Copy everything in `source` to the database `target` (a URL or a file path, created
    and migrated as needed); returns a `TableCopy` per table. Refuses (Conflict) a target
    that holds data, unless `replace`."""
    shown = paths.redact_url(target)
    if paths.to_url(paths.db_target(target)) == str(
        source.engine.url.render_as_string(hide_password=False)
    ):
        raise Conflict("The target is the database being copied; choose another")
    dest = open_store(target)
    try:
        with source.read() as reading, dest.write() as writing:
            src, dst = reading.connection(), writing.connection()
            if not is_empty(dst):
                if not replace:
                    raise Conflict(f"{shown} holds data already; --replace overwrites it")
                for table in reversed(tables()):
                    dst.execute(delete(table))
            audit_off = _pause_audit(dst)
            done = []
            for table in tables():
                total = src.execute(select(func.count()).select_from(table)).scalar() or 0
                copied = 0
                for chunk in _rows(src, table):
                    dst.execute(table.insert(), chunk)
                    copied += len(chunk)
                    if progress is not None:
                        progress(table.name, copied, total)
                if progress is not None and total == 0:
                    progress(table.name, 0, 0)
                if "id" in table.c:
                    bulk.sync_id_sequence(dst, table.name)
                done.append(_compare(src, dst, table))
            for statement in audit_off:
                dst.exec_driver_sql(statement)
            return done
    finally:
        dest.close()


def _compare(src: Connection, dst: Connection, table: Table) -> TableCopy:
    n_src, sum_src = _digest(src, table)
    n_dst, sum_dst = _digest(dst, table)
    if (n_src, sum_src) != (n_dst, sum_dst):
        raise StoreError(
            f"The copy of {table.name} differs ({n_src} rows, checksum {sum_src} in the "
            f"source; {n_dst} rows, {sum_dst} in the target); nothing was kept"
        )
    return TableCopy(table.name, n_src, sum_src)


def _pause_audit(conn: Connection) -> list[str]:
    """Switch PostgreSQL's audit triggers off for this transaction; the statements that
    switch them on again."""
    if conn.dialect.name != "postgresql":
        return []
    again = []
    for table in teamsql.AUDITED:
        conn.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER termcrm_audit")
        again.append(f"ALTER TABLE {table} ENABLE TRIGGER termcrm_audit")
    return again
