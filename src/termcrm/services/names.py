"""Names: the display name and its parts (vCard `N`), and how each follows the other.

A contact's `name` is its display name, shown everywhere and matched by references. The
parts (`first_name`, `middle_name`, `last_name`, `name_prefix`, `name_suffix`) are stored
only when a file (vCard `N`, a CSV's First/Last Name columns) or the user (`contact add
--first ... --last ...`) gave them. The rules, each once:

- `compose`: the display name made from parts: first, middle, last and suffix, in that
  order; the prefix (Dr., Mrs.) stays out of it, as it always did for CSV imports.
- `derive`: parts read from a display name, for contacts that have none (vCard export,
  and the parts a user does not give when editing some): "Dr. Mark Schröder II" is prefix
  Dr., first Mark, last Schröder, suffix II; "Schröder, Mark" is last Schröder, first Mark;
  "Ludwig van Beethoven" keeps "van Beethoven" together; a single word is a first name; a
  name with no letters or with an @ (a contact named from its phone or email) has no parts.
- `edited`: what an edit gives. Parts a user gives replace those parts (an empty one
  clears it); a contact with no stored parts starts from `derive`. When the display name
  followed the parts before (it was `compose` of them, with or without the prefix) it
  follows them again; a display name of its own is kept. A new display name (`--name`)
  re-derives parts that followed the old name (parts given with it win), and leaves parts
  of their own alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from termcrm.services import validate

#: the parts, in the order a vCard's N does not use but people read them
PARTS = ("name_prefix", "first_name", "middle_name", "last_name", "name_suffix")
MAX_PART = 100

Parts = dict[str, str | None]

_PREFIXES = {
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev", "fr", "hon",
    "herr", "frau", "mme", "mlle", "sr", "sra", "srta", "dott", "ing", "mag",
}  # fmt: skip
_SUFFIXES = {
    "jr", "sr", "ii", "iii", "iv", "v", "vi", "phd", "md", "dds", "esq", "mba", "cpa",
    "rn", "dvm", "msc", "bsc", "ma", "ba",
}  # fmt: skip
#: lower-case words that belong to the family name that follows them
_PARTICLES = {
    "van", "von", "de", "der", "den", "del", "della", "di", "da", "du", "le", "la",
    "ten", "ter", "bin", "al", "el", "dos", "das", "zu", "af", "av",
}  # fmt: skip
_LETTER = re.compile(r"[^\W\d_]")
_LABELS = {k: k.replace("_", " ") for k in PARTS}
#: the fields an invalid part is reported as (`Invalid.field`)
FIELDS = tuple(_LABELS.values())
_SHOWN = PARTS[1:]  # the display name leaves the prefix out


def _word(token: str) -> str:
    return token.strip(".,").lower()


def empty() -> Parts:
    return dict.fromkeys(PARTS)


def of(contact) -> Parts:
    """The parts stored on a contact (None for each one not given)."""
    return {k: getattr(contact, k) for k in PARTS}


def given(parts: Mapping[str, str | None]) -> bool:
    return any(parts.get(k) for k in PARTS)


def compose(parts: Mapping[str, str | None], *, with_prefix: bool = False) -> str:
    """The display name made from parts (see the module's rules)."""
    keys = PARTS if with_prefix else _SHOWN
    return " ".join([p.strip() for k in keys if (p := parts.get(k)) and not p.isspace()])


def derive(name: str | None) -> Parts:
    """Parts read from a display name (see the module's rules)."""
    out = empty()
    text = " ".join((name or "").split())
    if not text or "@" in text or not _LETTER.search(text):
        return out
    family_first = None
    if text.count(",") == 1:
        left, right = (s.strip() for s in text.split(","))
        tail = right.split()
        if left and tail and not all(_word(t) in _SUFFIXES for t in tail):
            family_first, text = left, right  # "Schröder, Mark"
    tokens = text.split()
    suffixes: list[str] = []
    while len(tokens) > 1 and _word(tokens[-1]) in _SUFFIXES:
        if _word(tokens[-1]) == "v" and len(tokens) < 3:
            break  # "Mark V" is more likely a name with an initial
        suffixes.insert(0, tokens.pop().rstrip(","))
    if tokens and tokens[-1].endswith(","):
        tokens[-1] = tokens[-1].rstrip(",")
    prefixes: list[str] = []
    while len(tokens) > 1 and _word(tokens[0]) in _PREFIXES:
        prefixes.append(tokens.pop(0))
    if family_first is not None:
        out["last_name"] = family_first
        if tokens:
            out["first_name"] = tokens[0]
            out["middle_name"] = " ".join(tokens[1:]) or None
    elif len(tokens) == 1:
        out["first_name"] = tokens[0]
    elif tokens:
        cut = len(tokens) - 1
        while cut > 1 and tokens[cut - 1].islower() and tokens[cut - 1] in _PARTICLES:
            cut -= 1
        out["first_name"] = tokens[0]
        out["middle_name"] = " ".join(tokens[1:cut]) or None
        out["last_name"] = " ".join(tokens[cut:])
    out["name_prefix"] = " ".join(prefixes) or None
    out["name_suffix"] = " ".join(suffixes) or None
    return out


def clean(parts: Mapping[str, str | None]) -> Parts:
    """Validated parts: trimmed text of at most 100 characters, blank as None."""
    out = dict.fromkeys(PARTS)
    for k in PARTS:
        v = parts.get(k)
        if not v:  # imports call this for every row: the absent parts cost nothing,
            continue
        if v.isascii() and len(v) <= MAX_PART and v == v.strip() and "\x00" not in v:
            out[k] = v  # and a clean ASCII part is what `validate.text` would give back
        else:
            out[k] = validate.text(v, _LABELS[k], max_len=MAX_PART)
    return out


def follows(name: str | None, parts: Mapping[str, str | None]) -> bool:
    """Whether a display name is the one made from these parts (with or without prefix)."""
    if not name or not given(parts):
        return False
    return name in (compose(parts), compose(parts, with_prefix=True))


def edited(
    name: str, stored: Parts, changes: Mapping[str, str | None], new_name: str | None = None
) -> tuple[str, Parts]:
    """(display name, parts) after an edit: `changes` holds the parts the user gave ("" to
    clear one), `new_name` a display name the user gave (see the module's rules)."""
    wanted = {k: v for k, v in changes.items() if k in PARTS and v is not None}
    if new_name is not None:
        if given(stored) and not follows(name, stored):
            base = dict(stored)  # parts of their own: kept
        elif given(stored) or wanted:
            base = derive(new_name)  # they followed the old name: they follow the new one
        else:
            return new_name, dict(stored)
        return new_name, clean({**base, **wanted}) if wanted else base
    if not wanted:
        return name, dict(stored)
    start = stored if given(stored) else derive(name)
    parts = clean({**start, **wanted})
    if follows(name, start):
        with_prefix = name == compose(start, with_prefix=True) and bool(start["name_prefix"])
        made = compose(parts, with_prefix=with_prefix)
        if made:
            return made, parts
    return name, parts
