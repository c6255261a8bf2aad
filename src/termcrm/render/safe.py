"""Stored text never drives the terminal: the one rule, applied wherever text reaches a screen.

Names, titles, notes and every other stored value may hold anything a file or a person put
there, including terminal escape sequences (`ESC ] 52 ; c ; ... BEL` writes the clipboard,
`ESC ] 0 ; ... BEL` sets the window title, the C1 byte `0x9b` starts a CSI sequence on some
terminals). Before such text is printed:

- C0 control characters (U+0000-U+001F) and DEL are shown as their Unicode control pictures
  (ESC as `␛`, BEL as `␇`, CR as `␍`), C1 control characters (U+0080-U+009F) as `\\x9b`.
- Bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) are shown as
  `\\u202e`: in a terminal they reorder the text around them, so a name could show a line
  that reads otherwise than it is stored ("Trojan Source").
- Newline and tab are kept only where the layout has room for several lines (`multiline=True`:
  notes, a message); in a one-line cell (a table row, a card's title) they become a space, so a
  stored value can never forge a line of its own.

Rich markup in stored text is never interpreted either: renderables are built from
`rich.text.Text` objects (`text()` below), never from markup strings.

Files and data formats keep the exact text: JSON (whose encoder escapes control characters),
CSV, vCard and iCalendar written to a file. `termcrm.remind` (standard library only, it runs in
every new shell) restates this rule; `tests/test_render_safe.py` pins the copy to this one.

This module imports only the standard library at import time: the plain (piped) output path
uses `clean()` without loading rich.
"""

from __future__ import annotations

from typing import Any


def _shown(code: int) -> str:
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟
    if code == 0x7F:
        return "␡"
    if code > 0xFF:
        return f"\\u{code:04x}"  # bidi controls: no control picture exists
    return f"\\x{code:02x}"  # C1: no control picture exists


#: the bidirectional embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI)
BIDI = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_CONTROLS = [*range(0x20), 0x7F, *range(0x80, 0xA0), *BIDI]
#: one-line cells: everything shown, newline and tab become a space
ONE_LINE = {code: _shown(code) for code in _CONTROLS} | {0x0A: " ", 0x09: " "}
#: several lines allowed: newline and tab kept as they are
MULTILINE = {code: _shown(code) for code in _CONTROLS if code not in (0x0A, 0x09)}


def clean(value: Any, *, multiline: bool = False) -> str:
    """`value` as text that cannot drive a terminal (None is the empty string)."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.isprintable():
        return text  # the usual case, checked in C
    text = text.replace("\r\n", "\n")
    return text.translate(MULTILINE if multiline else ONE_LINE)


def text(value: Any, style: str = "", *, multiline: bool = False, **options: Any):
    """A `rich.text.Text` of `value`, neutralised and never read as markup."""
    from rich.text import Text

    return Text(clean(value, multiline=multiline), style=style, **options)


def escape_json(encoded: str) -> str:
    """JSON text with DEL, the C1 controls and the bidi controls escaped (`\\u009b`), which
    `json.dumps` with `ensure_ascii=False` leaves raw; C0 controls it escapes itself. The parsed value is
    unchanged: these characters can only occur inside JSON strings."""
    return encoded.translate(_JSON_ESCAPES)


_JSON_ESCAPES = {code: f"\\u{code:04x}" for code in (0x7F, *range(0x80, 0xA0), *BIDI)}
