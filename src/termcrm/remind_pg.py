"""`termcrm remind` on PostgreSQL: the login's overdue and due-today tasks, on the fast path.

Standard library only, like `termcrm.remind`: it talks to libpq (the client library
psycopg itself wraps) through ctypes. Importing psycopg costs more than ten times
`python -c pass` (it loads asyncio and ssl); loading libpq costs about a tenth of that.
When no libpq can be loaded it falls back to psycopg. Any failure is `remind`'s business:
it prints nothing.

The acting user is the connection's login (`session_user`): a member is reminded of their
own tasks and of unowned ones (docs/team.md).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

#: open and the login's or nobody's
_OPEN_MINE = "done_at IS NULL AND (owner IS NULL OR owner = session_user::text)"
_OVERDUE = (
    _OPEN_MINE + " AND due_at < $1::timestamptz AND (due_at < $2::timestamptz OR due_has_time)"
)
_TODAY = (
    _OPEN_MINE + " AND due_at >= $2::timestamptz AND due_at < $3::timestamptz"
    " AND (NOT due_has_time OR due_at >= $1::timestamptz)"
)
#: due_at as SQLite keeps it (naive UTC text), the form `remind.compose` reads
_DUE_TEXT = "to_char(t.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"


class Failed(Exception):
    pass


def conninfo(target: str) -> str | None:
    """A libpq URI for a PostgreSQL target (`postgresql+psycopg://...`), None otherwise."""
    scheme, sep, rest = target.partition("://")
    if not sep or scheme.split("+", 1)[0] not in ("postgresql", "postgres"):
        return None
    joiner = "&" if "?" in rest else "?"
    return f"postgresql://{rest}{joiner}connect_timeout=2"


def login(uri: str) -> str | None:
    """The user named in the URI (for the once-a-day stamp, before connecting)."""
    from urllib.parse import unquote

    creds, at, _ = uri[len("postgresql://") :].split("/", 1)[0].rpartition("@")
    return unquote(creds.split(":", 1)[0]) if at and creds else None


def place(uri: str) -> str:
    """host/database of the URI, without credentials (the stamp's key)."""
    return "postgresql://" + uri[len("postgresql://") :].rpartition("@")[2].split("?", 1)[0]


# -- libpq through ctypes ------------------------------------------------------------------------


def _candidates():
    """The system's libpq, then the copy psycopg's binary wheel brings along."""
    yield from ("libpq.so.5", "libpq.5.dylib", "libpq.dylib")
    import sys

    for site in sys.path:
        bundled = os.path.join(site or ".", "psycopg_binary.libs")
        try:
            names = sorted(os.listdir(bundled))
        except OSError:
            continue
        yield from (os.path.join(bundled, n) for n in names if n.startswith("libpq"))


def _libpq():
    import ctypes

    for name in _candidates():
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        p, i, s = ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p
        for fn, res, args in (
            ("PQconnectdb", p, [s]),
            ("PQstatus", i, [p]),
            ("PQfinish", None, [p]),
            ("PQexecParams", p, [p, s, i, p, ctypes.POINTER(s), p, p, i]),
            ("PQresultStatus", i, [p]),
            ("PQntuples", i, [p]),
            ("PQgetvalue", s, [p, i, i]),
            ("PQgetisnull", i, [p, i, i]),
            ("PQclear", None, [p]),
        ):
            getattr(lib, fn).restype = res
            getattr(lib, fn).argtypes = args
        return lib
    return None


def _used(sql: str, params: tuple) -> tuple:
    """The parameters `sql` refers to ($1 ... $n): PostgreSQL refuses untyped unused ones."""
    import re

    highest = max((int(n) for n in re.findall(r"\$(\d+)", sql)), default=0)
    return params[:highest]


class _Libpq:
    """Just enough of a connection: text parameters in, text rows out."""

    def __init__(self, lib, uri: str) -> None:
        self.lib = lib
        self.conn = lib.PQconnectdb(uri.encode())
        if not self.conn or lib.PQstatus(self.conn) != 0:  # CONNECTION_OK
            self.close()
            raise Failed("cannot connect")

    def rows(self, sql: str, params: tuple = (), width: int = 1) -> list[tuple]:
        import ctypes

        params = _used(sql, params)
        values = (ctypes.c_char_p * max(1, len(params)))(*[str(v).encode() for v in params])
        lib = self.lib
        res = lib.PQexecParams(self.conn, sql.encode(), len(params), None, values, None, None, 0)
        try:
            if not res or lib.PQresultStatus(res) not in (1, 2):  # COMMAND_OK, TUPLES_OK
                raise Failed("a query failed")
            return [
                tuple(
                    None if lib.PQgetisnull(res, r, c) else lib.PQgetvalue(res, r, c).decode()
                    for c in range(width)
                )
                for r in range(lib.PQntuples(res))
            ]
        finally:
            if res:
                lib.PQclear(res)

    def close(self) -> None:
        if self.conn:
            self.lib.PQfinish(self.conn)
            self.conn = None


class _Psycopg:
    """The same through psycopg, where no libpq can be loaded directly."""

    def __init__(self, uri: str) -> None:
        import psycopg

        self.conn = psycopg.connect(uri, autocommit=True)

    def rows(self, sql: str, params: tuple = (), width: int = 1) -> list[tuple]:
        import re

        args = [params[int(n) - 1] for n in re.findall(r"\$(\d+)", sql)]
        cur = self.conn.execute(re.sub(r"\$\d+", "%s", sql), args)
        found = cur.fetchall() if cur.description else []
        return [tuple(None if v is None else str(v) for v in r[:width]) for r in found]

    def close(self) -> None:
        self.conn.close()


def connect(uri: str):
    lib = _libpq()
    return _Libpq(lib, uri) if lib is not None else _Psycopg(uri)


# -- the reminder ----------------------------------------------------------------------------------


def gather(uri: str, current: datetime, *, head: str, cap: int, local_midnight) -> dict:
    """As `remind.gather`, for the login of `uri`."""
    today = current.astimezone().date()
    bounds = (
        current.isoformat(),
        local_midnight(today).isoformat(),
        local_midnight(today + timedelta(days=1)).isoformat(),
    )
    conn = connect(uri)
    try:
        conn.rows("SET statement_timeout = 2000", width=0)
        version = conn.rows("SELECT version_num FROM alembic_version")
        if not version or version[0][0] != head:
            raise Failed(
                f"schema {version[0][0] if version else 'none'}, this termcrm reads {head}"
            )

        def count(where: str) -> int:
            sql = f"SELECT count(*) FROM (SELECT 1 FROM tasks WHERE {where} LIMIT {cap}) t"
            return int(conn.rows(sql, bounds)[0][0])

        def first(where: str, n: int) -> list[tuple]:
            sql = (
                f"SELECT t.title, {_DUE_TEXT}, t.due_has_time::int, c.name FROM tasks t "
                "LEFT JOIN contacts c ON c.id = t.contact_id WHERE t.id IN "
                f"(SELECT id FROM tasks WHERE {where} ORDER BY due_at, id LIMIT {n}) "
                "ORDER BY t.due_at, t.id"
            )
            found = conn.rows(sql, bounds, width=4)
            return [(title, due, int(has), name) for title, due, has, name in found]

        overdue, due_today = count(_OVERDUE), count(_TODAY)
        items = [("late", *r) for r in first(_OVERDUE, 2)] if overdue else []
        if len(items) < 2 and due_today:
            items += [("today", *r) for r in first(_TODAY, 2 - len(items))]
    finally:
        conn.close()
    return {"overdue": overdue, "due_today": due_today, "items": items, "now": current}
