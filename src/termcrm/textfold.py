"""The one text normalisation termcrm compares with, importable from the standard library alone.

Two keys, used everywhere a comparison must agree across the CLI, the TUI, `remind`, the
importer and both database engines (SQLite's `lower()` folds ASCII letters only, PostgreSQL's
folds by locale, so neither may decide equality):

- `fold(text)`: equality of identifiers a person types in any letter case: emails, owners,
  tags. NFKC then `str.casefold()`: "JÜRGEN@Example.com" and "jürgen@example.com" are one key,
  "Ünal" and "ünal" one owner.
- `search_key(text)`: what a search matches on: `fold` plus accents removed, so "zoe" finds
  "Zoë" and "olstad" finds "Ölstad".

This module imports nothing outside the standard library: `termcrm.remind` uses it too.
"""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """The case-insensitive key of `text` (NFKC, casefolded, surrounding space stripped)."""
    return unicodedata.normalize("NFKC", text).casefold().strip()


def search_key(text: str) -> str:
    """`fold(text)` without accents and other combining marks: the key searches compare."""
    decomposed = unicodedata.normalize("NFKD", fold(text))
    return unicodedata.normalize(
        "NFKC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )
