"""A fast reader of vCard 3.0 and 4.0 cards that keeps every character; vobject reads the rest.

vobject parses a card property by property through its generic content-line machinery
(~0.7 ms a card here), and reads a text property as a comma-separated list of which it
keeps the first: `FN:Smith, John` becomes "Smith", `NOTE:call back, urgent` "call back".
Address books write such unescaped commas all the time. This reader splits lines, parameters
and structured values (N, ADR, ORG, CATEGORIES) as RFC 6350 / 2426 say, unescapes `\\n`,
`\\,`, `\\;` and `\\\\`, and keeps a text value whole; it gives back objects shaped like
vobject's (`name`, `group`, `params`, `singletonparams`, `value`), so `vcard_props` reads
both alike.

It leaves a card to vobject (returns None) when it holds what vobject knows better: vCard
2.1 (quoted-printable, charsets, bare base64), an ENCODING or CHARSET parameter on a
property that is kept, a card inside a card, or a line it cannot split (vobject then gives
the error a user sees).
"""

from __future__ import annotations

import re
from typing import Any

#: properties whose value is dropped anyway (`vcard_props.DROPPED`): their encoding is moot
_MOOT = {"PHOTO", "LOGO", "SOUND", "KEY"}
_NAME = re.compile(r"^(?:([A-Za-z0-9-]+)\.)?([A-Za-z0-9-]+)$")
_ESCAPE = re.compile(r"\\([nN,;\\])")


class Prop:
    """One property, shaped like vobject's ContentLine as far as `vcard_props` reads it."""

    __slots__ = ("group", "name", "params", "singletonparams", "value")

    def __init__(self, group, name, params, single, value) -> None:
        self.group = group
        self.name = name
        self.params = params
        self.singletonparams = single
        self.value = value


class Structured:
    """A value with named parts (N, ADR), like vobject's Name and Address."""

    def __init__(self, **parts: Any) -> None:
        self.__dict__.update(parts)


class Card:
    def __init__(self, props: list[Prop]) -> None:
        self._props = props

    def getChildren(self) -> list[Prop]:  # vobject's name for it
        return self._props


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: "\n" if m[1] in "nN" else m[1], text)


def _split(text: str, sep: str) -> list[str]:
    """`text` split at each `sep` that no backslash escapes (still escaped)."""
    if "\\" not in text:
        return text.split(sep)
    parts, buf, i, n = [], [], 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            buf.append(text[i : i + 2])
            i += 2
            continue
        if ch == sep:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
        i += 1
    parts.append("".join(buf))
    return parts


def _component(text: str) -> str | list[str]:
    """One part of N or ADR: several values (`Philip,Paul`) as a list, as vobject does."""
    items = _split(text, ",")
    if len(items) == 1:
        return _unescape(items[0])
    return [_unescape(i) for i in items]


_N = ("family", "given", "additional", "prefix", "suffix")
_ADR = ("box", "extended", "street", "city", "region", "code", "country")


def _value(name: str, raw: str) -> Any:
    if name == "N" or name == "ADR":
        keys = _N if name == "N" else _ADR
        parts = (_split(raw, ";") + [""] * len(keys))[: len(keys)]
        return Structured(**{k: _component(p) for k, p in zip(keys, parts, strict=True)})
    if name == "ORG":
        return [_unescape(p) for p in _split(raw, ";")]
    if name == "CATEGORIES":
        return [_unescape(p) for p in _split(raw, ",")]
    return _unescape(raw)


def _outside_quotes(text: str, sep: str) -> list[str]:
    if '"' not in text:
        return text.split(sep)
    parts, buf, quoted = [], [], False
    for ch in text:
        if ch == '"':
            quoted = not quoted
            buf.append(ch)
        elif ch == sep and not quoted:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf))
    return parts


def _line(line: str) -> Prop | None:
    """One unfolded content line; None when it cannot be split."""
    if '"' in line:
        head_end, quoted = -1, False
        for i, ch in enumerate(line):
            if ch == '"':
                quoted = not quoted
            elif ch == ":" and not quoted:
                head_end = i
                break
    else:
        head_end = line.find(":")
    if head_end <= 0:
        return None
    head, raw = line[:head_end], line[head_end + 1 :]
    pieces = _outside_quotes(head, ";")
    m = _NAME.match(pieces[0])
    if m is None:
        return None
    group, name = m[1], m[2].upper()
    params: dict[str, list[str]] = {}
    single: list[str] = []
    for piece in pieces[1:]:
        key, eq, val = piece.partition("=")
        if not eq:
            if key.strip():
                single.append(key.strip())
            continue
        values = [v.strip().strip('"') for v in _outside_quotes(val, ",")]
        params.setdefault(key.strip().upper(), []).extend(values)
    if name not in _MOOT and ("ENCODING" in params or "CHARSET" in params):
        return None  # decoded by vobject
    return Prop(group, name, params, single, None if name in _MOOT else _value(name, raw))


def parse(block: str) -> Card | None:
    """The card in `block` (BEGIN:VCARD ... END:VCARD), or None to leave it to vobject."""
    lines: list[str] = []
    for raw in block.splitlines():
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] += raw[1:]
        elif raw:
            lines.append(raw)
    if len(lines) < 2 or lines[0].upper() != "BEGIN:VCARD" or lines[-1].upper() != "END:VCARD":
        return None
    props: list[Prop] = []
    version = None
    for line in lines[1:-1]:
        prop = _line(line)
        if prop is None or prop.name in ("BEGIN", "END"):
            return None  # a line vobject must judge, or a card inside the card
        if prop.name == "VERSION":
            version = prop.value.strip()
        props.append(prop)
    if version not in ("3.0", "4.0"):
        return None
    return Card(props)
