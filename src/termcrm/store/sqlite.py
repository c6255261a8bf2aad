"""SQLite's own machinery: the file (modes, magic), the pragmas of every connection,
`BEGIN IMMEDIATE` writes, integrity checks and online backups.

Services never test the dialect themselves; they call in here (and in `bulk.py`,
`search_index.py`, `sqlfunc.py` for the other things that differ between engines).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy import Connection, Engine, event, text

from termcrm.errors import StoreError
from termcrm.store.sqlfunc import SEARCH_KEY_SQL, sqlite_search_key

SQLITE_MAGIC = b"SQLite format 3\x00"

LOCKED = "The database is locked by another writer; try again in a moment"
READ_ONLY = (
    "The database is read-only here (its file or its directory cannot be written); "
    "nothing was changed"
)


def is_sqlite_error(exc: object) -> bool:
    return isinstance(exc, sqlite3.Error)


def state_error(message: str) -> str | None:
    """What a SQLite error says about the database's own state, in words a user acts on;
    None when it says something else."""
    low = message.lower()
    if "locked" in low or "busy" in low:
        return LOCKED
    if "readonly" in low or "read-only" in low or "unable to open" in low:
        return READ_ONLY
    return None


def prepare_sqlite_file(path: Path) -> bool:
    """Create the directory (0700) and file (0600) before SQLite does, or say why not;
    True when the file is new (the CLI says so: a typo must not silently start a new CRM).

    A file that exists but is not a SQLite database is refused here, before anything
    writes to it.
    """
    path = path.expanduser()
    parent = path.parent
    try:
        private_dirs(parent)
    except OSError as exc:
        raise StoreError(
            f"Cannot create the database directory {parent}: {exc.strerror or exc}"
        ) from exc
    if path.exists():
        if path.is_dir():
            raise StoreError(f"{path} is a directory, not a termcrm database")
        tighten(path)
        try:
            with path.open("rb") as fh:
                head = fh.read(16)
        except OSError as exc:
            raise StoreError(f"Cannot read the database {path}: {exc.strerror or exc}") from exc
        if head and head != SQLITE_MAGIC:
            raise StoreError(f"{path} is not a termcrm database (not a SQLite file)")
        return False
    try:
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        os.close(fd)
    except FileExistsError:
        return False  # another process made it a moment ago: theirs to announce
    except OSError as exc:
        raise StoreError(f"Cannot create the database {path}: {exc.strerror or exc}") from exc
    os.chmod(path, 0o600)
    return True


def private_dirs(folder: Path) -> None:
    """Create `folder` and its missing parents with mode 0700, whatever the umask (a mode
    given to mkdir is masked by it, and parents get no mode at all)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        made.mkdir(mode=0o700, exist_ok=True)
        os.chmod(made, 0o700)


def tighten(path: Path) -> None:
    """An existing database file (and its -wal and -shm) readable by group or others is
    made 0600 when it belongs to the user opening it: it holds personal data."""
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            st = file.stat()
            if st.st_uid == os.geteuid() and st.st_mode & 0o077:
                os.chmod(file, 0o600)
        except OSError:
            continue  # not there, or not ours to change: SQLite says what matters


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
            state = state_error(str(exc)) if isinstance(exc, sqlite3.OperationalError) else None
            raise StoreError(state or f"Not a termcrm database: {exc}") from exc
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cur.execute("PRAGMA secure_delete=ON")
        cur.execute(f"PRAGMA mmap_size={int(mmap_size)}")
        cur.close()
        dbapi_conn.create_function(SEARCH_KEY_SQL, 1, sqlite_search_key, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(write_option)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class DatabaseFile:
    """The database file a store opened, so that it can tell when the file is gone.

    Deleted while termcrm runs, an open connection goes on writing into the unlinked
    file (every save "succeeds", into nothing), and a new connection would create an
    empty database in its place, with the umask's mode. Replaced (a backup restored, a
    sync tool), the writes would go to the old file.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.identity = self._identity()

    def _identity(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return st.st_dev, st.st_ino

    def check(self) -> None:
        """StoreError unless the file at `path` is still the one opened."""
        now = self._identity()
        if now is None or now != self.identity:
            what = "deleted" if now is None else "replaced by another file"
            raise StoreError(
                f"The database {self.path} was {what} while termcrm was running; "
                "nothing was saved. Start termcrm again to open the file there now"
            )

    def guard(self, engine: Engine) -> None:
        """Refuse to connect (and so to create an empty file) once the file is gone."""

        @event.listens_for(engine, "do_connect")
        def _before_connect(_dialect, _record, _cargs, _cparams) -> None:
            self.check()


def check_foreign_keys(conn: Connection) -> None:
    if conn.dialect.name != "sqlite":
        return
    broken = conn.execute(text("PRAGMA foreign_key_check")).fetchall()
    if broken:
        raise StoreError(f"Migration left {len(broken)} broken references; nothing was changed")


def checkpoint_truncate(engine: Engine) -> bool:
    """Copy the WAL into the database file and truncate it to zero bytes, so that rows just
    deleted (overwritten in place: `secure_delete` is on for every connection) leave no old
    copy in the -wal file. False when another connection kept it from completing."""
    raw = engine.raw_connection()  # outside any transaction: the pragma must not be in one
    try:
        cur = raw.driver_connection.cursor()
        busy, _log, _done = cur.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        cur.close()
    finally:
        raw.close()
    return busy == 0


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


def restore(engine: Engine, source: Path) -> None:
    """Replace the database's contents with a backup file (the online backup API, the
    other way round), in one step that other connections see whole or not at all."""
    source = source.expanduser()
    if not source.is_file():
        raise StoreError(f"No backup file at {source}")
    with source.open("rb") as fh:
        if fh.read(16) != SQLITE_MAGIC:
            raise StoreError(f"{source} is not a termcrm backup (not a SQLite file)")
    raw = engine.raw_connection()
    try:
        src = sqlite3.connect(source)
        try:
            src.backup(raw.driver_connection)
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise StoreError(f"Restore failed: {exc}") from exc
    finally:
        raw.close()
