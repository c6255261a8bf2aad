"""Completion look-ups in the domain layer: the candidates a TAB offers for a value.

The queries live in `termcrm.completion_lookups`, which imports only the standard library so
that the console script can answer a TAB without loading the store (`termcrm.complete`);
this module is where the rest of termcrm finds them. `tests/test_completion.py` checks that a
Session gives the same candidates as the sqlite3 fast path.
"""

from termcrm.completion_lookups import (
    KINDS,
    LIMIT,
    RECORDS,
    VOCABULARIES,
    complete,
    complete_at,
    session_rows,
    sqlite_rows,
)

__all__ = [
    "KINDS",
    "LIMIT",
    "RECORDS",
    "VOCABULARIES",
    "complete",
    "complete_at",
    "session_rows",
    "sqlite_rows",
]
