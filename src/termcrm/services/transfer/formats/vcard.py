"""vCard (3.0 out; 2.1, 3.0 and 4.0 in) through vobject: contacts to and from phones and khard.

This module finds the cards in a file and reads or writes them; where each property goes,
both ways, is `vcard_props`. Standard properties carry what address books know (FN, N,
EMAIL, TEL, ADR, URL, BDAY, NICKNAME, ROLE, ORG, TITLE, NOTE, CATEGORIES for tags, UID);
termcrm's own attributes travel as `X-TERMCRM-*` properties (stage, source, owner, cadence,
dates, other custom fields as JSON) so a termcrm-to-termcrm round trip keeps everything,
and other programs simply ignore them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from termcrm.errors import Invalid
from termcrm.services.transfer.formats import vcard_export, vcard_lines
from termcrm.services.transfer.formats.vcard_props import Plan, card_row
from termcrm.services.transfer.rows import Rejected, Row


def write(fh: IO[str], recs: Iterable[dict]) -> int:
    """Contact records (`records.contact`) as vCards 3.0; returns how many."""
    count = 0
    for rec in recs:
        fh.write(vcard_export.card_for(rec).serialize())
        count += 1
    return count


def _blocks(text: str) -> Iterator[tuple[int, str, str | None]]:
    """(line where it starts, text, None) of each BEGIN:VCARD ... END:VCARD block; a card
    whose END:VCARD is missing (the file ends, or the next card begins) comes as (line,
    text, what is wrong)."""
    start, buf, depth = 0, [], 0
    for no, line in enumerate(text.splitlines(), 1):
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD":
            if depth == 1 and not _nested(buf):
                yield start, "", f"the vCard {_label(buf)} has no END:VCARD before the next card"
                depth = 0
            if depth == 0:
                start, buf = no, []
            depth += 1
        if depth:
            buf.append(line)
        if upper == "END:VCARD" and depth:
            depth -= 1
            if depth == 0:
                yield start, "\r\n".join(buf) + "\r\n", None
    if depth:
        yield start, "", f"the vCard {_label(buf)} has no END:VCARD (the file ends inside it)"


def _nested(buf: list[str]) -> bool:
    """Whether the open card is inside a property that holds a card (vCard 2.1 AGENT)."""
    return bool(buf) and buf[-1].strip().upper().startswith("AGENT")


def _label(buf: list[str]) -> str:
    """How a message names a card: its FN (or N, NICKNAME) as written."""
    for key in ("FN", "N", "NICKNAME"):
        for line in buf:
            name, sep, value = line.partition(":")
            if sep and name.split(";")[0].strip().upper() == key and value.strip():
                return repr(value.strip().replace(";", " ").strip())
    return "without a name"


#: The contact fields a vCard always supplies (an empty one clears nothing on update).
COLUMNS = ("owner", "name", "email", "phone", "company", "title", "notes")


def is_vcard(path: Path) -> bool:
    if path.suffix.lower() in (".vcf", ".vcard"):
        return True
    try:
        with path.open("rb") as fh:
            head = fh.read(64).lstrip(b"\xef\xbb\xbf").lstrip()
    except OSError:
        return False
    return head.upper().startswith(b"BEGIN:VCARD")


def read(
    path: Path, *, encoding: str | None = None, actor: str | None = None, plan: Plan | None = None
) -> tuple[str, Iterator[tuple[int, Row | Rejected]]]:
    """(the encoding used, (line, Row or Rejected) for each card); `plan` learns where each
    property went (`vcard_props`)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise Invalid(f"Cannot read {path}: {exc.strerror or exc}") from exc
    enc = encoding or "utf-8-sig"
    try:
        text = raw.decode(enc)
    except UnicodeDecodeError:
        if encoding:
            raise Invalid(f"{path} is not {encoding}") from None
        enc, text = "cp1252", raw.decode("cp1252", errors="replace")
    return enc, _cards(path, text, actor, plan if plan is not None else Plan())


def _cards(
    path: Path, text: str, actor: str | None, plan: Plan
) -> Iterator[tuple[int, Row | Rejected]]:
    import vobject

    found = False
    for line, block, problem in _blocks(text):
        found = True
        if problem:
            yield line, Rejected(problem)
            continue
        try:
            card = vcard_lines.parse(block) or vobject.readOne(block)
            row = card_row(card, actor, plan)
        except Exception as exc:  # vobject raises many kinds on malformed cards
            why = (str(exc).splitlines() or [type(exc).__name__])[0]
            why = re.sub(r"^At line \d+: ", "", why)[:200]  # vobject's count, not the file's
            label = _label(block.splitlines())
            yield line, Rejected(f"the vCard {label} is not valid: {why}")
            continue
        yield line, row
    if not found:
        raise Invalid(f"{path} holds no vCard (BEGIN:VCARD ... END:VCARD)")
