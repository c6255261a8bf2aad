"""SQL expressions whose spelling differs between SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Connection, func

from termcrm.textfold import search_key

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def db_lower(conn: Connection, value: str) -> str:
    """`value` as the database's `lower()` gives it: SQLite lowers ASCII letters only, so
    `lower('Ünicode')` is `'Ünicode'`; PostgreSQL lowers every letter. Compare Python-side
    keys with `lower(column)` through this, never through `str.lower`."""
    if conn.dialect.name == "sqlite" and not value.isascii():
        return value.translate(_ASCII_LOWER)
    return value.lower()


#: the SQLite function that gives `textfold.search_key` of its argument (registered on every
#: connection by `sqlite.setup_sqlite_engine`; the search index stores text through it)
SEARCH_KEY_SQL = "termcrm_search_key"


def sqlite_search_key(value: object) -> str | None:
    return None if value is None else search_key(str(value))


def _pg_accents() -> tuple[str, str]:
    """PostgreSQL's `translate` tables for `search_key` after `lower()`: every Latin letter
    with marks whose key is one base letter (ë -> e, ø stays ø: it has no mark to drop)."""
    src, dst = [], []
    for code in range(0xC0, 0x250):
        ch = chr(code)
        key = search_key(ch)
        low = ch.lower()
        if len(low) == 1 and len(key) == 1 and key != low:
            src.append(low)
            dst.append(key)
    return "".join(dict.fromkeys(src)), "".join(dst[src.index(c)] for c in dict.fromkeys(src))


_PG_FROM, _PG_TO = _pg_accents()


def search_folded(bind, expr):
    """`expr` as a search compares it, the same on both engines: `textfold.search_key` (case
    and accents folded, so "olstad" and "ölstad" find "Zoë Ölstad"). SQLite calls the Python
    function itself; PostgreSQL lowers by its locale and drops the marks by a table."""
    if bind.dialect.name == "sqlite":
        return getattr(func, SEARCH_KEY_SQL)(expr)
    return func.replace(func.translate(func.lower(expr), _PG_FROM, _PG_TO), "ß", "ss")


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


def not_plain_ascii(conn: Connection, column):
    """SQL: `column` holds a character outside printable ASCII (accents, other scripts,
    control characters), to narrow what Python then compares by `textfold.search_key`."""
    from sqlalchemy import literal_column

    if conn.dialect.name == "postgresql":
        return column.op("~")(literal_column("'[^ -~]'"))
    return column.op("GLOB")(literal_column("'*[^ -~]*'"))
