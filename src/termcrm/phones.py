"""Phone numbers in E.164 (`+4930123456`): the key duplicates are matched on.

A phone is kept as typed in `contacts.phone`; `contacts.phone_e164` holds the same number in
E.164 when it can be read as one. Numbers written in international form (`+49 30 123456`,
`+1 (555) 010-9999`) are read by dropping their separators, which is what the `phonenumbers`
library does for them too, at a fraction of its price (an import of 100,000 rows would
otherwise spend ~4 s parsing). Anything else (`030 123456`, `(555) 010-9999`) is parsed by
`phonenumbers` with the default region: `[phones] default_region` in config.toml (an ISO
country code such as `DE`), else the country of the locale (`LANG=de_DE.UTF-8`: `DE`); with
neither, a national number has no E.164 form and only matches as typed.
"""

from __future__ import annotations

import os
import re

#: separators people write between digits; a `(0)` trunk prefix is left to phonenumbers
_SEPARATORS = re.compile(r"[\s\-./()\u00a0]")
_INTERNATIONAL = re.compile(r"\+[0-9\s\-./()\u00a0]+")


def default_region() -> str | None:
    """The region national numbers are read in (see the module docstring)."""
    from termcrm import config

    region = config.section("phones").get("default_region")
    if isinstance(region, str) and len(region.strip()) == 2:
        return region.strip().upper()
    for var in ("LC_ALL", "LC_TELEPHONE", "LANG"):
        value = os.environ.get(var, "")
        match = re.match(r"^[a-z]{2,3}_([A-Z]{2})\b", value)
        if match:
            return match.group(1)
    return None


def e164(phone: str | None, region: str | None = None) -> str | None:
    """`phone` in E.164, or None when it is not a plausible number."""
    if not phone:
        return None
    raw = phone.strip()
    if _INTERNATIONAL.fullmatch(raw) and "(0)" not in raw:
        digits = _SEPARATORS.sub("", raw[1:])
        return f"+{digits}" if 7 <= len(digits) <= 15 and digits[0] != "0" else None
    import phonenumbers

    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
