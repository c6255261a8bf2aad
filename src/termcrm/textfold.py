"""The one text normalisation termcrm compares with, importable from the standard library alone.

Two keys, used everywhere a comparison must agree across the CLI, the TUI, `remind`, the
importer and both database engines (SQLite's `lower()` folds ASCII letters only, PostgreSQL's
folds by locale, so neither may decide equality):

- `fold(text)`: equality of identifiers a person types in any letter case: emails, owners,
  tags. NFKC then `str.casefold()`: "JÜRGEN@Example.com" and "jürgen@example.com" are one key,
  "Ünal" and "ünal" one owner.
- `search_key(text)`: what a search matches on: `fold` plus accents removed, so "zoe" finds
  "Zoë" and "olstad" finds "Ölstad".

This module imports nothing outside the standard library: `termcrm.remind` uses it too, on
every new shell. ASCII text, which NFKC and NFKD leave as it is and which has no marks, takes
a shortcut: `unicodedata` (~3 ms to import) is loaded only for the first text beyond ASCII,
and a search's per-row key of ASCII text costs a `casefold`. `tests/test_textfold.py` holds
the shortcut to the full rule on every ASCII character.
"""

from __future__ import annotations


def fold(text: str) -> str:
    """The case-insensitive key of `text` (NFKC, casefolded, surrounding space stripped)."""
    if text.isascii():
        return text.casefold().strip()
    import unicodedata

    return unicodedata.normalize("NFKC", text).casefold().strip()


def search_key(text: str) -> str:
    """`fold(text)` without accents and other combining marks: the key searches compare."""
    if text.isascii():
        return text.casefold().strip()
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", fold(text))
    return unicodedata.normalize(
        "NFKC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )
