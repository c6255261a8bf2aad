"""The engine: opening a database (SQLite file or server URL), sessions and migrations.

Everything SQLite-specific lives in `sqlite.py` (and `bulk.py`, `search_index.py`,
`sqlfunc.py`); this module stays portable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from termcrm import paths
from termcrm.errors import Abandoned, Conflict, Forbidden, StoreError, TermcrmError
from termcrm.store import sqlite
from termcrm.store.revision import HEAD

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_WRITE = "termcrm_write"


def make_engine(url: str, *, foreign_keys: bool = True, memory_map: bool = True) -> Engine:
    """An engine with termcrm's connection set-up (SQLite pragmas, `BEGIN IMMEDIATE` writes).

    `memory_map=False` for long-running processes (the TUI): the map pays off for a short
    command's cold reads, while in a long session every page it ever read stays resident.
    """
    try:
        engine = create_engine(url, future=True)
    except Exception as exc:  # bad URL, missing driver
        raise StoreError(
            f"Cannot use database {paths.redact_url(url)}: {_first_line(exc)}"
        ) from exc
    if engine.dialect.name == "sqlite":
        sqlite.setup_sqlite_engine(
            engine,
            foreign_keys=foreign_keys,
            write_option=_WRITE,
            mmap_size=sqlite.MMAP_SIZE if memory_map else 0,
        )
    return engine


class Store:
    """One database. `read()` and `write()` hand out sessions; `write()` is one transaction."""

    def __init__(self, target: str, engine: Engine) -> None:
        self.target = target
        self.engine = engine
        #: who is acting (set by the shells); write sessions carry it for the audit trail
        self.actor: str | None = None
        #: the SQLite file, checked before each commit (None for a server)
        self.file: sqlite.DatabaseFile | None = None
        #: the SQLite file did not exist: this open created it (never for a server)
        self.created = False

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def display_name(self) -> str:
        return paths.redact_url(self.target)

    @cached_property
    def _write_engine(self) -> Engine:
        return self.engine.execution_options(**{_WRITE: True})

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; nothing it does is committed."""
        with _translate_errors(), Session(self.engine, expire_on_commit=False) as session:
            yield session  # closing the session ends its transaction, keeping loaded objects

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction (`BEGIN IMMEDIATE` on SQLite): commit on success, else nothing."""
        with _translate_errors(), Session(self._write_engine, expire_on_commit=False) as session:
            session.info["actor"] = self.actor
            try:
                yield session
                if self.file is not None:
                    self.file.check()  # never report a save that is not in the file
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def abandon_when(self, session: Session, stale: Callable[[], bool]) -> Iterator[None]:
        """Stop a long read in `session` (`Abandoned`) as soon as `stale()` says its answer
        is no longer wanted: a count of 100,000 contacts for a search the user has typed on
        from would otherwise hold the database, and the interpreter, for a second. SQLite
        asks every few thousand steps; on PostgreSQL the read runs to its end."""
        if self.dialect != "sqlite":
            yield
            return
        raw = session.connection().connection.driver_connection
        raw.set_progress_handler(lambda: 1 if stale() else 0, 2000)
        try:
            yield
        except OperationalError as exc:
            if stale():
                raise Abandoned("stopped: no longer wanted") from exc
            raise
        finally:
            raw.set_progress_handler(None, 2000)

    def scrub(self, tables: list[str]) -> str | None:
        """After an erasure, make the deleted rows unrecoverable from the database's files:
        SQLite checkpoints its WAL and truncates it (deleted content is overwritten in
        place, `secure_delete` being on); PostgreSQL rewrites the tables (`VACUUM FULL`), so
        no dead row version is left in them. None when done, else what is left to do."""
        with _translate_errors():
            if self.dialect == "sqlite":
                if sqlite.checkpoint_truncate(self.engine):
                    return None
                return (
                    "another program has the database open, so its -wal file may still hold "
                    "old copies: close it and run 'termcrm db check'"
                )
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                for name in tables:
                    conn.exec_driver_sql(f'VACUUM FULL "{name}"')
        return None

    def close(self) -> None:
        self.engine.dispose()


@contextmanager
def _translate_errors() -> Iterator[None]:
    """Database failures a user can meet become one-line typed errors."""
    try:
        yield
    except TermcrmError:
        raise
    except StaleDataError as exc:  # PostgreSQL's row-level security skipped the row
        raise Forbidden(
            "The change was refused: the record belongs to someone else, or is gone"
        ) from exc
    except IntegrityError as exc:
        raise Conflict(f"The change conflicts with stored data: {_first_line(exc.orig)}") from exc
    except OperationalError as exc:
        msg = _first_line(exc.orig)
        state = sqlite.state_error(msg) if sqlite.is_sqlite_error(exc.orig) else None
        raise StoreError(state or f"Database error: {msg}") from exc
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) == "42501":  # insufficient_privilege
            raise Forbidden(f"Not allowed: {_first_line(exc.orig)}") from exc
        raise StoreError(f"Database error: {_first_line(exc.orig)}") from exc


def _first_line(exc: object) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def open_store(
    target: str | None = None, *, migrate: bool = True, memory_map: bool = True
) -> Store:
    """Open the database the user asked for, creating and migrating it as needed."""
    target = paths.db_target(target)
    path = paths.sqlite_path(target)
    created = sqlite.prepare_sqlite_file(path) if path is not None else False
    engine = make_engine(paths.to_url(target), memory_map=memory_map)
    store = Store(target, engine)
    store.created = created
    if path is not None:
        store.file = sqlite.DatabaseFile(path.expanduser())
        store.file.guard(engine)
    if migrate:
        ensure_schema(store)
    return store


def current_revision(store: Store) -> str | None:
    """The schema revision stored in the database, None for a blank one."""
    with _translate_errors(), store.engine.connect() as conn:
        if not store.engine.dialect.has_table(conn, "alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def known_revisions() -> set[str]:
    return {rev.revision for rev in _script_directory().walk_revisions()}


def ensure_schema(store: Store) -> None:
    """Bring the schema to HEAD; refuse a database written by a newer termcrm."""
    rev = current_revision(store)
    if rev == HEAD:
        return
    if rev is not None and rev not in known_revisions():
        raise StoreError(
            f"The database {store.display_name} has schema {rev}, newer than this termcrm "
            f"knows ({HEAD}); upgrade termcrm"
        )
    upgrade(store)


def pending_migrations(store: Store) -> list[tuple[str, str]]:
    """(revision, description) of each migration not yet applied, oldest first."""
    rev = current_revision(store)
    script = _script_directory()
    pending = []
    for sc in script.walk_revisions():
        if sc.revision == rev:
            break
        pending.append((sc.revision, sc.doc or ""))
    if rev is not None and rev not in {r for r, _ in pending} | {rev} & known_revisions():
        return []
    return list(reversed(pending))


def upgrade(store: Store) -> None:
    """Apply every pending migration in one transaction, with SQLite foreign keys off.

    A batch table rebuild with foreign keys on would cascade deletes into child rows; the
    pragma is a no-op inside a transaction, so migrations use their own engine that sets it
    on connect, and `PRAGMA foreign_key_check` runs after.
    """
    from alembic import command

    engine = make_engine(
        str(store.engine.url.render_as_string(hide_password=False)), foreign_keys=False
    )
    try:
        with _translate_errors(), engine.execution_options(**{_WRITE: True}).begin() as conn:
            cfg = _alembic_config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            sqlite.check_foreign_keys(conn)
    finally:
        engine.dispose()


def _alembic_config():
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def _script_directory():
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config())
