"""Where each vCard property goes on import, and back on export: the one table of both.

Import (`card_row`): the properties termcrm has fields for fill them (FN name, N the name's
parts, the first or preferred EMAIL and TEL, ORG, TITLE, NOTE, CATEGORIES as tags, UID);
the others become custom fields with readable keys, so nothing a user had is lost without
a word:

- a second, third... EMAIL / TEL / URL / ADR / LABEL: `email 2`, `phone 3`, `url 2`, with
  their types in the key: `email 2 (home)`, `phone 2 (cell)`; the first one's types: the
  custom fields `email type` / `phone type`;
- NICKNAME `nickname`, ROLE `role`, BDAY `birthday` (`1906-12-09`, or the text as written:
  `circa 1800`), ANNIVERSARY `anniversary`, ADR `address` (its seven parts as the card has
  them: PO box; extended; street; city; region; postal code; country), an ADR's LABEL
  parameter and the LABEL property `label`, ORG's units `department`;
- anything else under its own name (`X-SKYPE`, `IMPP (home)`, `GEO`, a second FN of an
  ALTID pair `FN 2 (ja)`).

Dropped, and said so by `--dry-run` and the import's summary: PHOTO, LOGO, SOUND and KEY
(images, sounds, keys), a card inside a card (AGENT), binary values, values longer than
20,000 characters, and the card's own bookkeeping (VERSION, PRODID, REV), written anew.

Export (`vcard_export.properties`) writes the fields and these custom fields back as the properties they
came from (an `X-...` or other vCard name too); custom fields of other names travel in
`X-TERMCRM-FIELDS` (JSON) as before, so a termcrm-to-termcrm round trip keeps everything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from termcrm.services import names
from termcrm.services.transfer.rows import Row

MAX_VALUE = 20_000

#: bookkeeping of the card itself: not data, written anew on export
META = {"VERSION", "PRODID", "REV", "NAME", "SOURCE", "BEGIN", "END"}
#: dropped: media and keys (often large base64), and nested cards
DROPPED = {
    "PHOTO": "images, sounds and keys are not kept",
    "LOGO": "images, sounds and keys are not kept",
    "SOUND": "images, sounds and keys are not kept",
    "KEY": "images, sounds and keys are not kept",
    "AGENT": "a card inside a card is not kept",
}
#: properties with several values, each with types: custom-field label
TYPED = {"EMAIL": "email", "TEL": "phone", "URL": "url", "ADR": "address", "LABEL": "label"}
#: single-valued properties without a field of their own: custom-field label
LABELS = {
    "NICKNAME": "nickname",
    "ROLE": "role",
    "BDAY": "birthday",
    "ANNIVERSARY": "anniversary",
    "X-ANNIVERSARY": "anniversary",
}
#: export: custom-field label -> property, the inverse of both (an anniversary is written
#: as X-ANNIVERSARY, which vCard 3.0 readers know)
EXPORTED = {**{v: k for k, v in TYPED.items()}, **{v: k for k, v in LABELS.items()}}
#: vCard properties written back under their own name when a custom field is named so
RAW_EXPORTED = {"IMPP", "GEO", "TZ", "GENDER", "KIND", "LANG", "RELATED", "CLASS", "MAILER"}
RAW_EXPORTED |= {"SORT-STRING", "CALURI", "CALADRURI", "FBURL", "CLIENTPIDMAP", "MEMBER"}
#: parameters that are not types
NOT_TYPES = {
    "ENCODING", "CHARSET", "VALUE", "LANGUAGE", "PREF", "PID", "ALTID", "LABEL", "GEO", "TZ",
    "SORT-AS", "CALSCALE", "MEDIATYPE", "INTERNET", "X-SERVICE-TYPE",
}  # fmt: skip
#: types that say nothing (every email is INTERNET, every TEL a VOICE by default)
NOISE = {"internet", "voice", "pref", "x400"}
#: properties whose first one fills a field: a second one is kept as `FN 2`, `ORG 2`...
ONCE = {"FN", "N", "ORG", "TITLE", "UID"}
TERMCRM_KEYS = ("stage", "source", "owner", "cadence_days", "created_at", "updated_at")
PARTS_TARGET = "first_name, middle_name, last_name, name_prefix, name_suffix"

_KEY = re.compile(r"^(?P<label>.+?)(?: (?P<n>\d{1,3}))?(?: \((?P<types>[^()]*)\))?$")
_BASIC_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_PROP_NAME = re.compile(r"^[A-Z][A-Z0-9-]*$")


@dataclass
class Plan:
    """What a file's properties became, for `--dry-run` and the summary: per property, how
    many cards had it and where it went (or why it was dropped)."""

    versions: list[str] = field(default_factory=list)
    seen: dict[str, dict[str, Any]] = field(default_factory=dict)

    def note(self, card_props: dict[str, dict[str, None]], prop: str, where: str) -> None:
        card_props.setdefault(prop, {})[where] = None

    def card(self, card_props: dict[str, dict[str, None]], dropped: dict[str, str]) -> None:
        for prop, wheres in card_props.items():
            entry = self.seen.setdefault(prop, {"cards": 0, "to": [], "dropped": None})
            entry["cards"] += 1
            for w in wheres:
                if w not in entry["to"]:
                    entry["to"].append(w)
        for prop, why in dropped.items():
            entry = self.seen.setdefault(prop, {"cards": 0, "to": [], "dropped": why})
            entry["cards"] += 1

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"property": p, "cards": e["cards"], "goes_to": list(e["to"]), "dropped": e["dropped"]}
            for p, e in self.seen.items()
        ]

    def describe(self, most: int = 4) -> list[tuple[str, str]]:
        """(property, where it goes) for each property seen, in the order first seen."""
        out = []
        for p, e in self.seen.items():
            if e["dropped"]:
                where = f"dropped: {e['dropped']}"
            else:
                to = e["to"]
                where = "; ".join(to[:most]) + (f"; and {len(to) - most} more" if to[most:] else "")
            out.append((p, where))
        return out

    def dropped(self) -> list[tuple[str, int, str]]:
        return [(p, e["cards"], e["dropped"]) for p, e in self.seen.items() if e["dropped"]]

    @property
    def format(self) -> str:
        return "vCard " + ", ".join(sorted(self.versions)) if self.versions else "vCard"


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return " ".join(_text(v) for v in value if _text(v))
    if hasattr(value, "family"):  # a second N (an ALTID alternative): as the card wrote it
        return ";".join(
            _text(getattr(value, k)) for k in ("family", "given", "additional", "prefix", "suffix")
        )
    if hasattr(value, "street"):
        return _adr(value)
    return str(value).strip()


def _types(prop) -> list[str]:
    """The property's types, lower case, without those that say nothing."""
    raw: list[str] = []
    for v in prop.params.get("TYPE", []):
        raw.extend(v.split(","))
    raw.extend(getattr(prop, "singletonparams", []))  # vCard 2.1: TEL;CELL;VOICE
    out = []
    for t in raw:
        t = t.strip().strip('"').lower()
        if t and t not in NOISE and t.upper() not in NOT_TYPES and t not in out:
            out.append(t)
    return out


def _preferred(prop) -> bool:
    if "PREF" in prop.params or "PREF" in getattr(prop, "singletonparams", []):
        return True
    return any(
        t.strip().lower() == "pref" for v in prop.params.get("TYPE", []) for t in v.split(",")
    )


def key(label: str, n: int, types: list[str]) -> str:
    """A custom field's key: `email 2 (home)`; the first of a kind has no number."""
    k = label + (f" {n}" if n > 1 else "") + (f" ({', '.join(types)})" if types else "")
    return k[:100]


def _birthday(prop) -> str:
    v = _text(prop.value)
    m = _BASIC_DATE.match(v)
    return f"{m[1]}-{m[2]}-{m[3]}" if m else v


def _adr(value) -> str:
    parts = [value.box, value.extended, value.street, value.city, value.region, value.code]
    parts.append(value.country)
    return ";".join(
        (", ".join(p) if isinstance(p, list) else str(p or "")).replace(";", ",").strip()
        for p in parts
    )


def card_row(card, actor: str | None, plan: Plan) -> Row:
    """One parsed card (vobject) as a Row; notes in `plan` where each property went."""
    values: dict[str, str] = {}
    custom: dict[str, str] = {}
    tags: list[str] = []
    seen: dict[str, dict[str, None]] = {}
    dropped: dict[str, str] = {}
    typed: dict[str, list] = {}
    counts: dict[str, int] = {}
    group_labels: dict[str, str] = {}
    notes: list[str] = []
    derived = False
    children = list(card.getChildren())
    for prop in children:
        if prop.name == "X-ABLABEL" and prop.group:
            group_labels[prop.group.lower()] = _text(prop.value).strip("_$!<>") or ""
    grouped_typed = {
        p.group.lower() for p in children if p.group and p.name in TYPED and p.name != "LABEL"
    }
    for prop in children:
        name = prop.name
        if name in META:
            if name == "VERSION" and _text(prop.value) not in plan.versions:
                plan.versions.append(_text(prop.value))
            continue
        if name in DROPPED:
            dropped[name] = DROPPED[name]
            continue
        n = counts[name] = counts.get(name, 0) + 1
        value = prop.value
        if isinstance(value, bytes):
            dropped[name] = "binary values are not kept"
            continue
        if name == "X-ABLABEL" and prop.group and prop.group.lower() in grouped_typed:
            plan.note(seen, name, "the type of the property it labels")
            continue
        if name in TYPED:
            entry = _entry(prop, group_labels)
            if entry is not None:
                typed.setdefault(name, []).append(entry)
            if name == "ADR" and prop.params.get("LABEL"):  # vCard 4: the printed address
                text = prop.params["LABEL"][0].replace("\\n", "\n").strip()
                if text:
                    typed.setdefault("LABEL", []).append((text, _types(prop), False, "ADR;LABEL"))
            continue
        if name == "FN" and n == 1:
            values["name"] = _text(value)
            plan.note(seen, name, "name")
        elif name == "N" and n == 1:
            parts = {
                "last_name": value.family, "first_name": value.given,
                "middle_name": value.additional, "name_prefix": value.prefix,
                "name_suffix": value.suffix,
            }  # fmt: skip
            for k, v in parts.items():
                if _text(v):
                    values[k] = _text(v)
            plan.note(seen, name, PARTS_TARGET)
        elif name == "ORG" and n == 1:
            org = value if isinstance(value, list) else [value]
            if _text(org[0] if org else ""):
                values["company"] = _text(org[0])
                plan.note(seen, name, "company")
            units = "; ".join(u for u in (_text(x) for x in org[1:]) if u)
            if units:
                custom["department"] = units
                plan.note(seen, name, "custom field 'department'")
        elif name == "TITLE" and n == 1:
            values["title"] = _text(value)
            plan.note(seen, name, "title")
        elif name == "NOTE":
            if _text(value):
                notes.append(str(value).strip())
            plan.note(seen, name, "notes")
        elif name == "CATEGORIES":
            for t in value if isinstance(value, list) else str(value).split(","):
                if str(t).strip():
                    tags.append(str(t).strip())
            plan.note(seen, name, "tags")
        elif name == "UID" and n == 1:
            values["uid"] = _text(value)
            plan.note(seen, name, "uid")
        elif name.startswith("X-TERMCRM-"):
            k = name[len("X-TERMCRM-") :].lower().replace("-", "_")
            if k in TERMCRM_KEYS and _text(value):
                values[k] = _text(value)
                plan.note(seen, name, k)
            elif k == "fields" and _text(value):
                values["fields"] = _text(value)
                plan.note(seen, name, "custom fields")
            elif k == "n":
                derived = _text(value).lower() == "derived"
                plan.note(seen, name, "tells that N was derived from FN")
            else:
                dropped[name] = "not a property termcrm writes"
        else:
            label = LABELS.get(name)
            if label is not None:
                text = _birthday(prop) if name == "BDAY" else _text(value)
                k = key(label, counts.get(label, 0) + 1, _types(prop))
                counts[label] = counts.get(label, 0) + 1
            else:
                text = _text(value)
                lang = prop.params.get("LANGUAGE", [])
                kept = counts[name + " kept"] = counts.get(name + " kept", 0) + 1
                k = key(
                    name,
                    kept + (1 if name in ONCE else 0),
                    _types(prop) + [x.lower() for x in lang],
                )
            if not text:
                continue
            if len(text) > MAX_VALUE:
                dropped[name] = f"values longer than {MAX_VALUE:,} characters are not kept"
                continue
            custom[k] = text
            plan.note(seen, name, f"custom field {k!r}")
    if notes:
        values["notes"] = "\n\n".join(notes)
    if derived and {k: values.get(k) for k in names.PARTS} == names.derive(values.get("name")):
        for k in names.PARTS:  # termcrm's own card: N made from FN, not parts anyone gave
            values.pop(k, None)
        seen["N"] = {"nothing: derived from FN by termcrm": None}
    for name, entries in typed.items():
        _typed(name, entries, values, custom, plan, seen)
    if "name" not in values and "nickname" in custom:
        values["name"] = custom["nickname"]  # a card named only by its NICKNAME (Monica)
    if "owner" not in values:
        values["owner"] = actor or ""
    plan.card(seen, dropped)
    return Row(values, tags, custom)


def _entry(prop, group_labels: dict[str, str]) -> tuple[str, list[str], bool, str] | None:
    """(value, types, preferred) of an EMAIL, TEL, URL, ADR or LABEL; None when empty. An
    Apple label of its group (`item1.X-ABLabel`) is one more type."""
    if prop.name == "ADR":
        text = _adr(prop.value)
        if not text.replace(";", "").strip():
            return None
    else:
        text = _text(prop.value)
        if prop.name == "TEL" and text[:4].lower() == "tel:":
            text = text[4:]  # TEL;VALUE=uri:tel:+1-555-555-5555
        if not text:
            return None
    types = _types(prop)
    extra = group_labels.get(prop.group.lower(), "").lower() if prop.group else ""
    if extra and extra not in types:
        types.append(extra)
    return text, types, _preferred(prop), prop.name


def _typed(name, entries, values, custom, plan, seen) -> None:
    """EMAIL, TEL, URL, ADR, LABEL: the first (or preferred) email and phone fill their
    fields, the others custom fields numbered in the card's order."""
    label = TYPED[name]
    number = 1
    if name in ("EMAIL", "TEL"):
        first = next((i for i, e in enumerate(entries) if e[2]), 0)
        text, types, _pref, _src = entries.pop(first)
        target = "email" if name == "EMAIL" else "phone"
        values[target] = text
        plan.note(seen, name, target)
        if types:
            custom[f"{label} type"] = ", ".join(types)
            plan.note(seen, name, f"custom field '{label} type'")
        number = 2
    for text, types, _pref, source in entries:
        k = key(label, number, types)
        custom[k] = text
        plan.note(seen, source, f"custom field {k!r}")
        number += 1
