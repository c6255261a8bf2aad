"""Query helpers shared by the services: case-insensitive matching done the same way everywhere.

Both sides go through the database's `lower()`, so matching agrees with the unique
`lower(...)` indexes on every dialect (SQLite's `lower()` folds ASCII letters only).
"""

from __future__ import annotations

from sqlalchemy import func, literal

from termcrm.store import sqlfunc
from termcrm.textfold import search_key


def ieq(column, value: str):
    """`column` equals `value`, ignoring letter case."""
    return func.lower(column) == func.lower(literal(value.strip()))


def like_pattern(text: str) -> str:
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def icontains(column, text: str):
    """`column` contains `text`, ignoring letter case (LIKE with escaped wildcards)."""
    return func.lower(column).like(func.lower(literal(like_pattern(text))), escape="\\")


def folded_contains(session, column, text: str):
    """`column` contains `text` as a search matches (`textfold.search_key`: case and accents
    folded on both engines, so "zoe" finds "Zoë" and "olstad" finds "Ölstad")."""
    pattern = like_pattern(search_key(text))
    return sqlfunc.search_folded(session.get_bind(), column).like(pattern, escape="\\")
