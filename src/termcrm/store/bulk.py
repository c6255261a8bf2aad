"""Bulk writes (imports): executemany on the driver, the search index's note triggers
lifted for the insert, a bigger page cache, IN-lists in parts, id sequences."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress

from sqlalchemy import Connection, text
from sqlalchemy.exc import SQLAlchemyError

from termcrm.store.search_index import NOTE_ON_INSERT, trigger_sql


def _sqlite_value(col_type):
    """How SQLAlchemy stores a value of this column type in SQLite, as a plain function."""
    from datetime import UTC

    from sqlalchemy import Boolean, Date, DateTime
    from sqlalchemy.types import TypeDecorator

    impl = col_type.impl if isinstance(col_type, TypeDecorator) else col_type
    if isinstance(impl, DateTime):
        last: list = [None, None]

        def dt(value):
            if value is last[0]:
                return last[1]
            if value.tzinfo is None:
                raise ValueError("naive datetime given to the store; use termcrm.dates")
            u = value.astimezone(UTC)
            text_ = (
                f"{u.year:04d}-{u.month:02d}-{u.day:02d} "
                f"{u.hour:02d}:{u.minute:02d}:{u.second:02d}.{u.microsecond:06d}"
            )
            last[0], last[1] = value, text_
            return text_

        return dt
    if isinstance(impl, Date):
        return lambda value: value.isoformat()
    if isinstance(impl, Boolean):
        return int
    return None


def datetime_param(conn: Connection):
    """A function turning an aware datetime into what `bulk_insert` should be handed for a
    DateTime column with `converted=True` (SQLite: the text SQLAlchemy stores)."""
    if conn.dialect.name != "sqlite":
        return lambda value: value
    from sqlalchemy import DateTime

    return _sqlite_value(DateTime())


#: fewer rows than this are inserted with the triggers in place
_NOTE_MIN_ROWS = 200


def _lift_note_trigger(conn: Connection, table: str, columns: list[str], n: int) -> int | None:
    """Drop `table`'s note trigger for one bulk insert when that is safe; the index of the
    contact id column when it was dropped (the caller notes the ids and restores it).

    Why: a row trigger makes every INSERT statement that may abort (the functions of the
    `lower(...)` indexes may) keep a statement journal, a copy of each page it touches,
    which SQLite spills to a temporary file: with the trigger, an executemany of 100,000
    contacts wrote 2 million pages to it and took twice as long. Noting the ids with one
    executemany of our own does what the trigger does, inside the same transaction.
    Only a trigger whose text is exactly migration 0004's (`search_index.TRIGGERS`) is
    lifted; anything else stays.
    """
    note = NOTE_ON_INSERT.get(table)
    if note is None or n < _NOTE_MIN_ROWS or note[1] not in columns:
        return None
    name, column = note
    stored = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (name,)
    ).scalar()
    if stored != trigger_sql(name):
        return None
    conn.exec_driver_sql(f"DROP TRIGGER {name}")
    return columns.index(column)


def _restore_note_trigger(conn: Connection, table: str) -> None:
    name, _column = NOTE_ON_INSERT[table]
    exists = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?", (name,)
    ).scalar()
    if not exists:
        conn.exec_driver_sql(trigger_sql(name))


def bulk_insert(
    conn: Connection,
    table,
    rows: list,
    columns: list[str] | None = None,
    *,
    converted: bool = False,
) -> None:
    """Insert many rows at once (imports): dicts, or tuples in the order of `columns`.

    On SQLite the values are converted as SQLAlchemy would store them and handed to the
    driver's executemany (several times faster than a Core executemany); elsewhere a Core
    executemany. `converted=True`: datetimes were already passed through `datetime_param`.
    Call it inside a transaction: on SQLite, the search index's note trigger of `contacts`
    and `contact_tags` is lifted for the insert and the ids noted directly (see
    `_lift_note_trigger`); the trigger is back before this returns.
    """
    if not rows:
        return
    if columns is None:
        columns = list(rows[0])
        rows = [tuple(r[c] for c in columns) for r in rows]
    if conn.dialect.name != "sqlite":
        conn.execute(table.insert(), [dict(zip(columns, r, strict=True)) for r in rows])
        return
    convs = [(n, f) for n, f in enumerate(_sqlite_value(table.c[c].type) for c in columns) if f]
    if convs and not converted:
        converted = []
        for r in rows:
            r = list(r)
            for n, f in convs:
                if r[n] is not None:
                    r[n] = f(r[n])
            converted.append(tuple(r))
        rows = converted
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'
    lifted = _lift_note_trigger(conn, table.name, columns, len(rows))
    if lifted is None:
        conn.exec_driver_sql(sql, rows)
        return
    try:
        conn.exec_driver_sql(sql, rows)
        ids = sorted({r[lifted] for r in rows})
        conn.exec_driver_sql(
            "INSERT OR IGNORE INTO contact_search_dirty (contact_id) VALUES (?)",
            [(i,) for i in ids],
        )
    finally:
        _restore_note_trigger(conn, table.name)


#: the page cache of a bulk import's connection (KiB): the default 2 MB makes SQLite evict
#: and re-read index pages all through a 100,000-row import, 16 MB does not
BULK_CACHE_KIB = 16 * 1024


@contextmanager
def bulk_cache(conn: Connection) -> Iterator[None]:
    """A bigger (bounded) page cache on this connection for the duration of a bulk write, and
    no memory map: every page a large import reads through it would stay resident."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    grow = not (before is not None and before < 0 and -before >= BULK_CACHE_KIB)
    if grow:
        conn.exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
    mapped = conn.exec_driver_sql("PRAGMA mmap_size").scalar() or 0
    conn.exec_driver_sql("PRAGMA mmap_size=0")
    try:
        yield
    finally:
        # after a failed write, that write's own error is the one to report
        with suppress(SQLAlchemyError):
            if grow:
                conn.exec_driver_sql(f"PRAGMA cache_size={int(before)}")
            conn.exec_driver_sql(f"PRAGMA mmap_size={int(mapped)}")


def select_in(conn: Connection, build, values: list, raw: str, *, chunk: int = 500):
    """The rows of `build(part)` (a Core select with `IN part`) for `values`, in parts.

    On SQLite `raw`, the same query as SQL with `{marks}` where the list goes, is run on
    the driver instead: for an import's batch of keys SQLAlchemy's expanding IN cost more
    than the look-ups themselves.
    """
    sqlite = conn.dialect.name == "sqlite"
    for i in range(0, len(values), chunk):
        part = values[i : i + chunk]
        if sqlite:
            yield from conn.exec_driver_sql(
                raw.format(marks=", ".join("?" * len(part))), tuple(part)
            )
        else:
            yield from conn.execute(build(part))


def sync_id_sequence(conn: Connection, table: str) -> None:
    """After rows were inserted with explicit ids, move PostgreSQL's id sequence past them
    (SQLite needs nothing: its next rowid is always max(rowid) + 1)."""
    if conn.dialect.name != "postgresql":
        return
    conn.execute(
        text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        )
    )
