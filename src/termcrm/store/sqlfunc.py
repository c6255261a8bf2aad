"""SQL expressions whose spelling differs between SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Connection

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def db_lower(conn: Connection, value: str) -> str:
    """`value` as the database's `lower()` gives it: SQLite lowers ASCII letters only, so
    `lower('Ünicode')` is `'Ünicode'`; PostgreSQL lowers every letter. Compare Python-side
    keys with `lower(column)` through this, never through `str.lower`."""
    if conn.dialect.name == "sqlite" and not value.isascii():
        return value.translate(_ASCII_LOWER)
    return value.lower()


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
