"""Long text from $VISUAL/$EDITOR (`--edit`) or from standard input (`--body -`), as git does.

The editor opens a temporary file (mode 0600, removed afterwards) that starts with a comment
header saying what to write; lines starting with `#` are stripped. An empty result cancels
the command: exit 1, nothing written.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from typing import Any

from termcrm.errors import TermcrmError

#: tried in order when neither $VISUAL nor $EDITOR is set
FALLBACK_EDITORS = ("sensible-editor", "editor", "nano", "vi")


class Cancelled(TermcrmError):
    """The user left the text empty: nothing is written (exit 1)."""

    exit_code = 1


def editor_command() -> list[str]:
    for var in ("VISUAL", "EDITOR"):
        value = os.environ.get(var, "").strip()
        if value:
            return shlex.split(value)
    for name in FALLBACK_EDITORS:
        found = shutil.which(name)
        if found:
            return [found]
    raise Cancelled("No editor found: set $VISUAL or $EDITOR")


def strip_comments(text: str) -> str:
    lines = [line.rstrip() for line in text.splitlines() if not line.startswith("#")]
    return "\n".join(lines).strip("\n")


def edit(what: str, initial: str | None = None, context: str = "") -> str:
    """Open the editor for `what` (e.g. "the body of the call with Ada") and return the text.

    `initial` is the current text (for `edit` commands); `context` a line shown in the header.
    """
    header = [
        f"# Write {what} below.",
        "# Lines starting with '#' are ignored; an empty text cancels.",
    ]
    if context:
        header.append(f"# {' '.join(context.split())}")
    fd, path = tempfile.mkstemp(prefix="termcrm-", suffix=".md", text=True)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write("\n".join(header) + "\n" + (initial or "") + ("\n" if initial else ""))
        try:
            done = subprocess.run([*editor_command(), path], check=False)
        except OSError as exc:
            raise Cancelled(f"Could not start the editor: {exc}") from exc
        if done.returncode != 0:
            raise Cancelled(f"The editor exited with status {done.returncode}; nothing was changed")
        with open(path, encoding="utf-8") as fh:
            text = strip_comments(fh.read())
    finally:
        os.unlink(path)
    if not text.strip():
        raise Cancelled("Empty text; nothing was changed")
    return text


def long_text(
    value: str | None, *, edit_it: bool, what: str, initial: str | None = None, context: str = ""
) -> str | None:
    """The text of a long-text option: `-` reads standard input, `--edit` opens the editor
    (starting from `value` or `initial`), else the value as given."""
    if value == "-":
        text = sys.stdin.read()
        if not text.strip():
            raise Cancelled("Empty text on standard input; nothing was changed")
        return text.rstrip("\n")
    if edit_it:
        return edit(what, value if value is not None else initial, context)
    return value


def current_text(
    value: str | None,
    *,
    edit_it: bool,
    what: str,
    read: Callable[[Any], tuple[str | None, str]],
) -> str | None:
    """`long_text` for an `edit` command: `read(session)` gives the stored text and a label
    for the header, read (and the database closed again) before the editor opens."""
    if not edit_it:
        return long_text(value, edit_it=False, what=what)
    from termcrm.cli._context import state

    with state().store().read() as s:
        initial, label = read(s)
    return long_text(value, edit_it=True, what=what, initial=initial, context=label)
