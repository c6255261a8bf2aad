"""The TUI's first page of contacts, read with `sqlite3` alone while the rest starts.

`termcrm tui` shows the contact list, by name, the moment it opens. The domain layer
(SQLAlchemy and the models) takes longer to import than Textual itself, so the first
page, and its count, come from here: the same query as `services.pager.contact_page` and
`pager.count` for the unfiltered list in name order, written for the standard library.
It is a fast twin of that rule: a parametrised test pins it to the pager on awkward data
(non-ASCII and same names, timed, undated and done tasks, contacts without company or
interactions). Every other page, search and filter goes through the pager.

Only for a SQLite file at this termcrm's schema revision; `first_page` returns None for
anything else (and the caller uses the pager). `Ahead` reads it in a thread started before
Textual is imported: sqlite3 lets go of the interpreter while it reads, so the page is
ready by the time the screen is.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from termcrm.store.revision import HEAD

#: rows in a page of the contact list: a screenful and some
PAGE = 60

#: the page in name order, with each contact's last interaction (`pager.contact_page`)
PAGE_SQL = """
SELECT c.id, c.name, c.email, co.name, c.stage, c.owner,
       (SELECT max(i.occurred_at) FROM interactions i WHERE i.contact_id = c.id)
FROM contacts c LEFT OUTER JOIN companies co ON c.company_id = co.id
ORDER BY lower(c.name), c.id LIMIT ?
"""

#: the open tasks of the contacts on the page (`pager._next_tasks`; `coalesce` keeps the
#: planner on the contact index, see `pager._open`)
TASKS_SQL = """
SELECT contact_id, title, due_at, id FROM tasks
WHERE contact_id IN ({marks}) AND coalesce(done_at, NULL) IS NULL
"""

COUNT_SQL = "SELECT count(*) FROM contacts"


@dataclass(frozen=True)
class Row:
    """A contact as a line of the list: the fields of `pager.ContactRow`, in its order."""

    id: int
    name: str
    email: str | None
    company: str | None
    stage: str
    owner: str | None
    last_interaction: datetime | None
    next_task: str | None
    next_due: datetime | None


def _stored(value: str | None) -> datetime | None:
    """A stored UTC timestamp (`YYYY-MM-DD HH:MM:SS.ffffff`), aware, as the models read it."""
    return datetime.fromisoformat(value).replace(tzinfo=UTC) if value else None


def _open_at_head(path: str) -> sqlite3.Connection | None:
    """`path` opened read-only when it is a SQLite database of this schema revision that
    can be read now; None otherwise."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.5)
    except sqlite3.Error:
        return None
    try:
        if conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]:
            return conn
    except sqlite3.Error:
        pass
    conn.close()
    return None


def at_head(path: str) -> bool:
    """Whether `path` is a SQLite database of this schema revision that can be read now."""
    conn = _open_at_head(path)
    if conn is None:
        return False
    conn.close()
    return True


def first_page(path: str, limit: int) -> tuple[list[Row], int] | None:
    """The first `limit` contacts by name and how many there are, or None when `path` is
    not a SQLite database of this schema revision (or cannot be read now)."""
    conn = _open_at_head(path)
    if conn is None:
        return None
    try:
        rows = conn.execute(PAGE_SQL, (limit,)).fetchall()
        ids = [r[0] for r in rows]
        best: dict[int, tuple] = {}
        if ids:
            marks = ", ".join("?" * len(ids))
            for cid, title, due, tid in conn.execute(TASKS_SQL.format(marks=marks), ids):
                at = _stored(due)
                key = (at is None, at.timestamp() if at else 0.0, tid)
                if cid not in best or key < best[cid][0]:
                    best[cid] = (key, title, at)
        total = conn.execute(COUNT_SQL).fetchone()[0]
    except (sqlite3.Error, ValueError):
        return None
    finally:
        conn.close()
    page = [
        Row(
            cid,
            name,
            email,
            company,
            stage,
            owner,
            _stored(last),
            *best.get(cid, (0, None, None))[1:],
        )
        for cid, name, email, company, stage, owner, last in rows
    ]
    return page, total


class Ahead:
    """`first_page(path, limit)`, started in a thread now and taken once, later."""

    def __init__(self, path: str, limit: int = PAGE) -> None:
        self.path = path
        self.limit = limit
        self._found: tuple[list[Row], int] | None = None
        self._thread = threading.Thread(target=self._read, name="termcrm-first-page", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        self._found = first_page(self.path, self.limit)

    def ready(self) -> bool:
        """Whether the page has been read (taking it will not wait)."""
        return not self._thread.is_alive()

    def take(self, limit: int) -> tuple[list[Row], int] | None:
        """The page read ahead (once it is there), or, for another `limit`, read now."""
        if limit != self.limit:
            return first_page(self.path, limit)
        self._thread.join()
        return self._found
