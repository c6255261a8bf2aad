"""The one seam for what differs between SQLite and PostgreSQL.

Pragmas, file permissions, `BEGIN IMMEDIATE`, integrity checks and online backups are
SQLite things; services never test the dialect themselves, they call in here.
"""

from __future__ import annotations

import os
import sqlite3
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.exc import SQLAlchemyError

from termcrm.errors import StoreError

SQLITE_MAGIC = b"SQLite format 3\x00"


def prepare_sqlite_file(path: Path) -> None:
    """Create the directory (0700) and file (0600) before SQLite does, or say why not.

    A file that exists but is not a SQLite database is refused here, before anything
    writes to it.
    """
    path = path.expanduser()
    parent = path.parent
    try:
        if not parent.exists():
            parent.mkdir(parents=True, mode=0o700)
    except OSError as exc:
        raise StoreError(
            f"Cannot create the database directory {parent}: {exc.strerror or exc}"
        ) from exc
    if path.exists():
        if path.is_dir():
            raise StoreError(f"{path} is a directory, not a termcrm database")
        try:
            with path.open("rb") as fh:
                head = fh.read(16)
        except OSError as exc:
            raise StoreError(f"Cannot read the database {path}: {exc.strerror or exc}") from exc
        if head and head != SQLITE_MAGIC:
            raise StoreError(f"{path} is not a termcrm database (not a SQLite file)")
        return
    try:
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        os.close(fd)
    except FileExistsError:
        return
    except OSError as exc:
        raise StoreError(f"Cannot create the database {path}: {exc.strerror or exc}") from exc
    os.chmod(path, 0o600)


#: Reads map the database file instead of copying each page in with a system call: a short
#: command starts with an empty page cache, and `report` or `today` on a large book read
#: thousands of scattered pages (~10% of `report`). Bulk imports switch it off for their
#: connection (`bulk_cache`), and the TUI does not use it (`open_store(memory_map=False)`):
#: every page read through the map stays resident for as long as the process runs.
MMAP_SIZE = 1 << 30


def setup_sqlite_engine(
    engine: Engine, *, foreign_keys: bool, write_option: str, mmap_size: int = MMAP_SIZE
) -> None:
    """Pragmas on every connection; `BEGIN IMMEDIATE` for write transactions.

    pysqlite's own transaction handling is switched off so that SQLAlchemy's `begin` event
    decides how each transaction starts: writers take the write lock at once and wait for it
    (busy_timeout) instead of failing half-way with SQLITE_BUSY.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout=5000")
        try:
            cur.execute("PRAGMA journal_mode=WAL")
        except sqlite3.DatabaseError as exc:
            cur.close()
            raise StoreError(f"Not a termcrm database: {exc}") from exc
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cur.execute("PRAGMA secure_delete=ON")
        cur.execute(f"PRAGMA mmap_size={int(mmap_size)}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(write_option)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def check_foreign_keys(conn: Connection) -> None:
    if conn.dialect.name != "sqlite":
        return
    broken = conn.execute(text("PRAGMA foreign_key_check")).fetchall()
    if broken:
        raise StoreError(f"Migration left {len(broken)} broken references; nothing was changed")


def integrity_problems(conn: Connection) -> list[str]:
    """What `db check` reports beyond the schema revision: empty when all is well."""
    if conn.dialect.name != "sqlite":
        return []
    problems = [
        row[0] for row in conn.execute(text("PRAGMA integrity_check")).fetchall() if row[0] != "ok"
    ]
    for table, rowid, parent, _fk in conn.execute(text("PRAGMA foreign_key_check")).fetchall():
        problems.append(f"{table} row {rowid} refers to a missing {parent} row")
    return problems


def backup(engine: Engine, dest: Path) -> None:
    """A consistent copy while others write: SQLite's online backup API, file mode 0600."""
    if engine.dialect.name != "sqlite":
        raise StoreError("db backup copies SQLite files; back up PostgreSQL with pg_dump")
    dest = dest.expanduser()
    if dest.exists():
        raise StoreError(f"{dest} exists already; choose a new file name")
    try:
        fd = os.open(dest, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        os.close(fd)
    except OSError as exc:
        raise StoreError(f"Cannot write {dest}: {exc.strerror or exc}") from exc
    raw = engine.raw_connection()
    try:
        target = sqlite3.connect(dest)
        try:
            raw.driver_connection.backup(target)
        finally:
            target.close()
    except sqlite3.Error as exc:
        dest.unlink(missing_ok=True)
        raise StoreError(f"Backup failed: {exc}") from exc
    finally:
        raw.close()
    os.chmod(dest, 0o600)


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


#: AFTER INSERT triggers of migration 0004 that only note a contact for the search index,
#: by table: (trigger, the column holding the contact id). See `bulk_insert`.
_NOTE_TRIGGERS = {
    "contacts": ("contact_search_ai", "id"),
    "contact_tags": ("contact_search_tag_ai", "contact_id"),
}
_NOTE_SQL = (
    "CREATE TRIGGER {name} AFTER INSERT ON {table} BEGIN INSERT OR IGNORE INTO "
    "contact_search_dirty (contact_id) VALUES (new.{column}); END"
)
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
    Only a trigger whose text is exactly migration 0004's is lifted; anything else stays.
    """
    note = _NOTE_TRIGGERS.get(table)
    if note is None or n < _NOTE_MIN_ROWS or note[1] not in columns:
        return None
    name, column = note
    stored = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (name,)
    ).scalar()
    if stored != _NOTE_SQL.format(name=name, table=table, column=column):
        return None
    conn.exec_driver_sql(f"DROP TRIGGER {name}")
    return columns.index(column)


def _restore_note_trigger(conn: Connection, table: str) -> None:
    name, column = _NOTE_TRIGGERS[table]
    exists = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?", (name,)
    ).scalar()
    if not exists:
        conn.exec_driver_sql(_NOTE_SQL.format(name=name, table=table, column=column))


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


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def db_lower(conn: Connection, value: str) -> str:
    """`value` as the database's `lower()` gives it: SQLite lowers ASCII letters only, so
    `lower('Ünicode')` is `'Ünicode'`; PostgreSQL lowers every letter. Compare Python-side
    keys with `lower(column)` through this, never through `str.lower`."""
    if conn.dialect.name == "sqlite" and not value.isascii():
        return value.translate(_ASCII_LOWER)
    return value.lower()


# -- contact search ---------------------------------------------------------------------------

#: the FTS5 trigram table of migration 0004 (SQLite only)
CONTACT_SEARCH = "contact_search"
_search_ready: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()
#: with more contacts than this waiting to be indexed, searches do without the index
STALE_MAX = 5000


def not_a_model_table(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's `include_object`: the search index (the FTS5 table and its shadow
    tables) is made by a migration, not by the models, so autogenerate leaves it alone."""
    return not (type_ == "table" and name and name.startswith(CONTACT_SEARCH))


def contact_search_candidates(session, text_: str):
    """A subquery of the contact ids whose name, email, company or tags may contain
    `text_` (a superset: callers still apply their LIKE), or None when no index helps:
    PostgreSQL, SQLite without FTS5, or fewer than 3 characters (trigrams)."""
    from sqlalchemy import Integer, column

    needle = text_.strip()
    if len(needle) < 3:
        return None
    if not _search_index_usable(session):
        return None
    phrase = '"' + needle.replace('"', '""') + '"'
    # contacts changed since the index was last refreshed are candidates as they stand
    return (
        text(
            f"SELECT rowid FROM {CONTACT_SEARCH} WHERE {CONTACT_SEARCH} MATCH :phrase"
            f" UNION ALL SELECT contact_id FROM {CONTACT_SEARCH}_dirty"
        )
        .bindparams(phrase=phrase)
        .columns(column("rowid", Integer))
    )


def _search_index_usable(session) -> bool:
    """SQLite with the search index, and not too much waiting to be folded into it."""
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        return False
    key = getattr(bind, "engine", bind)
    if key not in _search_ready:
        found = session.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :n"),
            {"n": CONTACT_SEARCH},
        ).first()
        _search_ready[key] = found is not None
    if not _search_ready[key]:
        return False
    backlog = session.execute(
        text(f"SELECT 1 FROM {CONTACT_SEARCH}_dirty LIMIT 1 OFFSET :n"), {"n": STALE_MAX}
    ).first()
    # too much not yet indexed (a bulk import): the plain LIKE is faster
    return backlog is None


def contact_search_scan(session, pattern: str, *, limit: int) -> list[int] | None:
    """For searches too short for trigrams: up to `limit` ids of contacts whose indexed name,
    email, company or tags are LIKE `pattern` (escaped with a backslash), and the contacts
    changed since the index was refreshed; a superset, callers still apply their LIKE. None
    where there is no index (see `contact_search_candidates`).

    One pass over the index's own copy of those four fields is several times quicker than
    over the contacts with their companies and tags (SQLite's LIKE ignores ASCII case, as
    `lower(x) LIKE lower(p)` does), and many times quicker than walking the name index when
    few contacts match ("kw", none of 100,000: ~30 ms instead of ~800 ms on a busy machine)."""
    if not _search_index_usable(session):
        return None
    rows = session.execute(
        text(
            f"SELECT id FROM {CONTACT_SEARCH}_content WHERE {_CONTENT_LIKE}"
            f" UNION ALL SELECT contact_id FROM {CONTACT_SEARCH}_dirty LIMIT :n"
        ),
        {"p": pattern, "n": limit},
    )
    return [r[0] for r in rows]


def contact_search_sample(session, pattern: str, *, rows: int) -> int | None:
    """How many of the first `rows` indexed contacts (in id order, which has nothing to do
    with name order) match `pattern` as in `contact_search_scan`: how common a short
    search is, for a fraction of the price of scanning it all. None without the index."""
    if not _search_index_usable(session):
        return None
    return session.execute(
        text(
            f"SELECT count(*) FROM (SELECT * FROM {CONTACT_SEARCH}_content LIMIT :n)"
            f" WHERE {_CONTENT_LIKE}"
        ),
        {"p": pattern, "n": rows},
    ).scalar_one()


# the FTS5 table's content shadow table (id = rowid; c0-c3 = name, email, company, tags):
# a LIKE of under 3 characters on the FTS5 table itself reads the same rows through the
# virtual table, ~2.5 times slower
_CONTENT_LIKE = " OR ".join(f"c{n} LIKE :p ESCAPE '\\'" for n in range(4))


_SEARCH_ROW = """
    SELECT c.id, c.name, coalesce(c.email, ''), coalesce(co.name, ''),
           coalesce((SELECT group_concat(t.tag, ' ') FROM contact_tags t
                     WHERE t.contact_id = c.id), '')
    FROM contacts c LEFT JOIN companies co ON co.id = c.company_id
"""


def refresh_contact_search(session, *, batch: int = 2000) -> int:
    """Fold up to `batch` changed contacts into the search index (call it inside a write
    transaction); returns how many were folded in, 0 when the index is up to date or there
    is none. Triggers note changed contacts cheaply; this does the FTS work later, in
    small batches, so neither imports nor the write lock pay for it."""
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        return 0
    exists = session.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :n"),
        {"n": f"{CONTACT_SEARCH}_dirty"},
    ).first()
    if exists is None:
        return 0
    ids = [
        r[0]
        for r in session.execute(
            text(f"SELECT contact_id FROM {CONTACT_SEARCH}_dirty LIMIT :n"), {"n": batch}
        )
    ]
    if not ids:
        return 0
    marks = ", ".join(str(int(i)) for i in ids)
    session.execute(text(f"DELETE FROM {CONTACT_SEARCH} WHERE rowid IN ({marks})"))
    session.execute(
        text(
            f"INSERT INTO {CONTACT_SEARCH}(rowid, name, email, company, tags) "
            f"{_SEARCH_ROW} WHERE c.id IN ({marks})"
        )
    )
    session.execute(text(f"DELETE FROM {CONTACT_SEARCH}_dirty WHERE contact_id IN ({marks})"))
    return len(ids)


# -- date arithmetic in SQL -------------------------------------------------------------------


def seconds_between(conn: Connection, later, earlier):
    """SQL for `later - earlier` in seconds (a float, to the microsecond), for sums and means
    of durations computed in the database (the KPI report).

    SQLite: whole seconds from `strftime('%s')` plus the difference of the stored fractions
    (`YYYY-MM-DD HH:MM:SS.ffffff`, from character 20); `julianday` keeps only milliseconds,
    which could move a rounded mean by a hundredth.
    """
    from sqlalchemy import Float, cast, func

    if conn.dialect.name == "sqlite":
        whole = func.strftime("%s", later) - func.strftime("%s", earlier)
        return whole + (func.substr(later, 20) - func.substr(earlier, 20))
    return cast(func.extract("epoch", later - earlier), Float)
