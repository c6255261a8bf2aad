"""Who a record belongs to: the one owner match of every `--owner`, `--mine` and report.

Owners are compared by `textfold.fold` ("Ünal", "ÜNAL" and "ünal" are one owner), never by
the database's `lower()`: SQLite's folds ASCII letters only and PostgreSQL's by locale, so
either would make some shells find a record that others miss. The condition is built the
same way on both engines: the distinct spellings stored in the column are read (a few
index look-ups when the column is indexed, see `spellings`), those whose fold equals the
owner's are kept in Python, and the condition is `column IN (those spellings)`, which
still uses the column's index. `termcrm.remind` restates this over sqlite3 (it may not
import SQLAlchemy); `tests/test_services_owners.py` pins the two together.
"""

from __future__ import annotations

from sqlalchemy import Column, false, or_, text
from sqlalchemy.orm import Session

from termcrm.textfold import fold

#: the distinct values of an indexed column by skipping through its index: one look-up
#: per distinct value instead of a scan of every row ({table}, {column} are model names)
LOOSE_SCAN = (
    "WITH RECURSIVE o(v) AS ("
    "SELECT min({column}) FROM {table} "
    "UNION ALL SELECT (SELECT min({column}) FROM {table} WHERE {column} > o.v) "
    "FROM o WHERE o.v IS NOT NULL"
    ") SELECT v FROM o WHERE v IS NOT NULL"
)


def _column(attr):
    """The table column behind a model attribute (`Task.owner`) or a Core column."""
    return getattr(attr, "expression", attr)


def _leads_an_index(column) -> bool:
    firsts = (index.expressions[0] for index in column.table.indexes if index.expressions)
    return any(isinstance(first, Column) and first.name == column.name for first in firsts)


def spellings(session: Session, attr) -> list[str]:
    """Every distinct non-null value stored in the column `attr`."""
    column = _column(attr)
    table, name = column.table.name, column.name
    if _leads_an_index(column):
        sql = LOOSE_SCAN.format(table=table, column=name)
    else:  # one pass over the rows (interactions.logged_by)
        sql = f"SELECT DISTINCT {name} FROM {table} WHERE {name} IS NOT NULL"
    return [row[0] for row in session.execute(text(sql))]


def matching(session: Session, attr, owner: str) -> list[str]:
    """The stored spellings of `attr` that name `owner` (same `textfold.fold`)."""
    key = fold(owner)
    return [s for s in spellings(session, attr) if fold(s) == key]


def condition(session: Session, attr, owner: str, *, include_unowned: bool = False):
    """A WHERE condition: the record in column `attr` belongs to `owner` (or to nobody,
    with `include_unowned`)."""
    names = matching(session, attr, owner)
    column = _column(attr)
    owned = column.in_(names) if names else false()
    return or_(owned, column.is_(None)) if include_unowned else owned


def given(owner: str | None) -> str | None:
    """`owner` as a filter: None when it is missing or blank."""
    return owner.strip() if owner and owner.strip() else None
