"""vCard (3.0 out; 3.0 and 4.0 in) through vobject: contacts to and from phones and khard.

Standard properties carry what address books know (FN, N, EMAIL, TEL, ORG, TITLE, NOTE,
CATEGORIES for tags, UID); termcrm's own attributes travel as `X-TERMCRM-*` properties
(stage, source, owner, cadence, created, custom fields as JSON) so a termcrm-to-termcrm round
trip keeps everything, and other programs simply ignore them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from termcrm.errors import Invalid
from termcrm.services.transfer.rows import Rejected, Row


def _split_name(name: str) -> tuple[str, str]:
    parts = name.rsplit(" ", 1)
    return (parts[1], parts[0]) if len(parts) == 2 else (name, "")


def write(fh: IO[str], recs: Iterable[dict]) -> int:
    """Contact records (`records.contact`) as vCards 3.0; returns how many."""
    import vobject

    count = 0
    for rec in recs:
        card = vobject.vCard()
        card.add("uid").value = f"contact-{rec['id']}@termcrm"
        card.add("fn").value = rec["name"]
        family, given = _split_name(rec["name"])
        card.add("n").value = vobject.vcard.Name(family=family, given=given)
        if rec["email"]:
            prop = card.add("email")
            prop.value = rec["email"]
            prop.type_param = "INTERNET"
        if rec["phone"]:
            card.add("tel").value = rec["phone"]
        if rec["company"]:
            card.add("org").value = [rec["company"]]
        if rec["title"]:
            card.add("title").value = rec["title"]
        if rec["notes"]:
            card.add("note").value = rec["notes"]
        if rec["tags"]:
            card.add("categories").value = list(rec["tags"])
        for key in ("stage", "source", "owner", "cadence_days", "created_at", "updated_at"):
            if rec[key] is not None:
                card.add("x-termcrm-" + key.replace("_", "-")).value = str(rec[key])
        if rec["fields"]:
            card.add("x-termcrm-fields").value = json.dumps(
                rec["fields"], ensure_ascii=False, sort_keys=True
            )
        fh.write(card.serialize())
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


def _value(card, name: str) -> str:
    prop = card.contents.get(name)
    if not prop:
        return ""
    v = prop[0].value
    if isinstance(v, list):
        v = v[0] if v else ""
    return str(v).strip()


def _card_values(card, actor: str | None) -> tuple[dict[str, str], list[str], dict[str, str]]:
    values: dict[str, str] = {}
    custom: dict[str, str] = {}
    values["name"] = _value(card, "fn")
    if not values["name"] and "n" in card.contents:
        n = card.contents["n"][0].value
        values["name"] = " ".join(
            p for p in (n.prefix, n.given, n.additional, n.family, n.suffix) if p
        ).strip()
    if not values["name"]:  # a card named only by its NICKNAME (Monica, some phones)
        values["name"] = _value(card, "nickname")
    emails = [str(p.value).strip() for p in card.contents.get("email", []) if str(p.value).strip()]
    phones = [str(p.value).strip() for p in card.contents.get("tel", []) if str(p.value).strip()]
    if emails:
        values["email"] = emails[0]
        if emails[1:]:
            custom["other emails"] = " ::: ".join(emails[1:])
    if phones:
        values["phone"] = phones[0]
        if phones[1:]:
            custom["other phones"] = " ::: ".join(phones[1:])
    values["company"] = _value(card, "org")
    values["title"] = _value(card, "title")
    values["notes"] = _value(card, "note")
    for key in ("stage", "source", "owner", "cadence_days", "created_at", "updated_at"):
        v = _value(card, "x-termcrm-" + key.replace("_", "-"))
        if v:
            values[key] = v
    if "owner" not in values:
        values["owner"] = actor or ""
    fields = _value(card, "x-termcrm-fields")
    if fields:
        values["fields"] = fields
    tags: list[str] = []
    for prop in card.contents.get("categories", []):
        v = prop.value
        tags.extend(v if isinstance(v, list) else str(v).split(","))
    if "bday" in card.contents:
        custom["birthday"] = _value(card, "bday")
    if "url" in card.contents:
        custom["url"] = _value(card, "url")
    if "adr" in card.contents:
        custom["address"] = " ".join(str(card.contents["adr"][0].value).split())
    return values, [t.strip() for t in tags if t.strip()], custom


#: Where each vCard property goes (shown by --dry-run).
MAPPING = (
    ("FN / N", "name"),
    ("EMAIL", "email (more: custom field 'other emails')"),
    ("TEL", "phone (more: custom field 'other phones')"),
    ("ORG", "company"),
    ("TITLE", "title"),
    ("NOTE", "notes"),
    ("CATEGORIES", "tags"),
    ("BDAY, URL, ADR", "custom fields"),
    ("X-TERMCRM-*", "stage, source, owner, cadence, dates, custom fields"),
)

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
    path: Path, *, encoding: str | None = None, actor: str | None = None
) -> tuple[str, Iterator[tuple[int, Row | Rejected]]]:
    """(the encoding used, (line, Row or Rejected) for each card)."""
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
    return enc, _cards(path, text, actor)


def _cards(path: Path, text: str, actor: str | None) -> Iterator[tuple[int, Row | Rejected]]:
    import vobject

    found = False
    for line, block, problem in _blocks(text):
        found = True
        if problem:
            yield line, Rejected(problem)
            continue
        try:
            card = vobject.readOne(block)
        except Exception as exc:  # vobject raises many kinds on malformed cards
            yield line, Rejected(f"not a valid vCard: {str(exc).splitlines()[0][:200]}")
            continue
        yield line, Row(*_card_values(card, actor))
    if not found:
        raise Invalid(f"{path} holds no vCard (BEGIN:VCARD ... END:VCARD)")
