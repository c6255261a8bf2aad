"""vCard export: a contact record as a card, its custom fields written back as the
properties they came from (the table of which is `vcard_props`, shared with the import)."""

from __future__ import annotations

import json
import re
from typing import Any

from termcrm.services import names, records
from termcrm.services.transfer.formats.vcard_props import (
    _KEY,
    _PROP_NAME,
    EXPORTED,
    RAW_EXPORTED,
    TERMCRM_KEYS,
)


def _parse_key(k: str) -> tuple[str, int, list[str]] | None:
    m = _KEY.match(k.strip())
    if not m:
        return None
    types = [t.strip() for t in (m["types"] or "").split(",") if t.strip()]
    return m["label"], int(m["n"] or 1), types


def properties(rec: dict) -> tuple[list[tuple[str, Any, dict]], dict[str, str], dict]:
    """A contact record's custom fields as vCard properties: ([(name, value, params)],
    the fields that are no property (for X-TERMCRM-FIELDS), the types of the first email
    and phone)."""
    fields = dict(rec.get("fields") or {})
    props: list[tuple[int, int, str, Any, dict]] = []
    rest: dict[str, str] = {}
    first_types = {"email": [], "phone": []}
    order = {"EMAIL": 0, "TEL": 1}
    for k, v in fields.items():
        parsed = _parse_key(k)
        low = k.strip().lower()
        if low in ("email type", "phone type"):
            first_types[low.split()[0]] = [t.strip() for t in v.split(",") if t.strip()]
            first_types[low] = (k, v)  # kept in X-TERMCRM-FIELDS when there is no such first
            continue
        if low in ("other emails", "other phones"):  # Google's ` ::: ` values
            prop = "EMAIL" if low == "other emails" else "TEL"
            for i, part in enumerate(p.strip() for p in v.split(":::")):
                if part:
                    props.append((order[prop], 1000 + i, prop, part, {}))
            continue
        if parsed is None:
            rest[k] = v
            continue
        label, n, types = parsed
        prop = EXPORTED.get(label.lower())
        if (
            prop is None
            and _PROP_NAME.match(label)
            and (label.startswith("X-") or label in RAW_EXPORTED)
        ):
            prop = label
        if prop is None or prop.startswith("X-TERMCRM"):
            rest[k] = v
            continue
        params = {"TYPE": [t.upper() for t in types]} if types else {}
        value: Any = v
        if prop == "ADR":
            value = _address(v)
        elif prop == "BDAY" and not re.match(r"^(\d{4}-\d{2}-\d{2}|--\d{2}-?\d{2}|\d{8})", v):
            params["VALUE"] = ["text"]
        props.append((order.get(prop, 2), n, prop, value, params))
    props.sort(key=lambda p: (p[0], p[2], p[1]))
    out = [(p, v, params) for _o, _n, p, v, params in props]
    return out, rest, first_types


def _address(text: str):
    import vobject

    if ";" not in text:
        return vobject.vcard.Address(street=text)
    p = (text.split(";") + [""] * 7)[:7]
    return vobject.vcard.Address(
        box=p[0], extended=p[1], street=p[2], city=p[3], region=p[4], code=p[5], country=p[6]
    )


def card_for(rec: dict):
    """A contact record (`records.contact`) as a vobject vCard 3.0."""
    import vobject

    card = vobject.vCard()
    card.add("uid").value = rec.get("uid") or records.default_uid(rec["id"])
    card.add("fn").value = rec["name"]
    parts = {k: rec.get(k) for k in names.PARTS}
    derived = not names.given(parts)
    if derived:
        parts = names.derive(rec["name"])
        card.add("x-termcrm-n").value = "derived"  # not stored again by a termcrm import
    card.add("n").value = vobject.vcard.Name(
        family=parts["last_name"] or "",
        given=parts["first_name"] or "",
        additional=parts["middle_name"] or "",
        prefix=parts["name_prefix"] or "",
        suffix=parts["name_suffix"] or "",
    )
    extra, rest, first_types = properties(rec)
    for what, typed_key in (("email", "email type"), ("phone", "phone type")):
        if not rec[what] and typed_key in first_types:
            k, v = first_types[typed_key]
            rest[k] = v
    if rec["email"]:
        prop = card.add("email")
        prop.value = rec["email"]
        prop.params["TYPE"] = ["INTERNET", *(t.upper() for t in first_types["email"])]
    if rec["phone"]:
        prop = card.add("tel")
        prop.value = rec["phone"]
        if first_types["phone"]:
            prop.params["TYPE"] = [t.upper() for t in first_types["phone"]]
    for name, value, params in extra:
        prop = card.add(name.lower())
        prop.value = value
        if name == "EMAIL":
            params = {**params, "TYPE": ["INTERNET", *params.get("TYPE", [])]}
        prop.params.update(params)
    if rec["company"]:
        unit = next((k for k in rest if k.lower() == "department"), None)
        dept = [d.strip() for d in rest.pop(unit, "").split(";") if d.strip()] if unit else []
        card.add("org").value = [rec["company"], *dept]
    if rec["title"]:
        card.add("title").value = rec["title"]
    if rec["notes"]:
        card.add("note").value = rec["notes"]
    if rec["tags"]:
        card.add("categories").value = list(rec["tags"])
    for k in TERMCRM_KEYS:
        if rec.get(k) is not None:
            card.add("x-termcrm-" + k.replace("_", "-")).value = str(rec[k])
    if rest:
        card.add("x-termcrm-fields").value = json.dumps(rest, ensure_ascii=False, sort_keys=True)
    return card
