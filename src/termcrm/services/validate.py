"""Validation of single values, shared by every service (and so by CLI, TUI and imports)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation

from termcrm.errors import Invalid

_CURRENCY = re.compile(r"^[A-Z]{3}$")
_FIELD_KEY = re.compile(r"^[A-Za-z0-9_.\- ]{1,100}$")


@contextmanager
def about(field: str) -> Iterator[None]:
    """Name `field` in an `Invalid` raised inside (one that names no field yet): for
    parsers that do not know which input they read, such as `dates.parse_when`."""
    try:
        yield
    except Invalid as exc:
        if exc.field is None:
            exc.field = field
        raise


def choice(value: str, allowed: tuple[str, ...], what: str, *, field: str | None = None) -> str:
    """`value` lower-cased if it is one of `allowed`, else Invalid naming the options.
    Every validator's `Invalid` names its field: `field`, by default `what`."""
    v = (value or "").strip().lower()
    if v not in allowed:
        raise Invalid(
            f"Unknown {what} {value!r}; choose one of: {', '.join(allowed)}", field=field or what
        )
    return v


def email(value: str | None) -> str | None:
    """A syntactically valid address (no network look-ups), normalised; None for blank."""
    if value is None or not value.strip():
        return None
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise Invalid(f"Invalid email {value!r}: {exc}", field="email") from exc


def text(
    value: str | None,
    what: str,
    *,
    required: bool = False,
    max_len: int = 500,
    field: str | None = None,
) -> str | None:
    """Trimmed text; blank is None (or Invalid when required)."""
    v = (value or "").strip()
    if not v:
        if required:
            raise Invalid(f"{what.capitalize()} must not be empty", field=field or what)
        return None
    if len(v) > max_len:
        raise Invalid(
            f"{what.capitalize()} is longer than {max_len} characters", field=field or what
        )
    return v


def amount_minor(value: str | int | Decimal) -> int:
    """A money amount as integer minor units (cents): `1200`, `1,200.50`, `1200.5`.

    Negative, non-numeric or sub-cent amounts are invalid; money is never a float.
    """
    with about("value"):
        return _amount_minor(value)


def _amount_minor(value: str | int | Decimal) -> int:
    raw = str(value).strip().replace("_", "").replace(",", "")
    try:
        dec = Decimal(raw)
    except InvalidOperation as exc:
        raise Invalid(f"Invalid amount {value!r}: not a number") from exc
    if not dec.is_finite():
        raise Invalid(f"Invalid amount {value!r}: not a number")
    if dec < 0:
        raise Invalid(f"Invalid amount {value!r}: must not be negative")
    cents = dec * 100
    if cents != cents.to_integral_value():
        raise Invalid(f"Invalid amount {value!r}: at most two decimals")
    if cents > 10**15:
        raise Invalid(f"Invalid amount {value!r}: too large")
    return int(cents)


def currency(value: str | None, default: str = "EUR") -> str:
    v = (value or default).strip().upper()
    if not _CURRENCY.match(v):
        raise Invalid(
            f"Invalid currency {value!r}: use a 3-letter code such as EUR or USD", field="currency"
        )
    return v


def percent(value: int | str | None, what: str = "probability") -> int | None:
    with about(what):
        return _percent(value, what)


def _percent(value: int | str | None, what: str) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        pct = int(str(value).strip().rstrip("%"))
    except ValueError as exc:
        raise Invalid(f"Invalid {what} {value!r}: a whole number from 0 to 100") from exc
    if not 0 <= pct <= 100:
        raise Invalid(f"Invalid {what} {value!r}: a whole number from 0 to 100")
    return pct


def positive_int(value: int | str | None, what: str, *, field: str | None = None) -> int | None:
    with about(field or what):
        return _positive_int(value, what)


def _positive_int(value: int | str | None, what: str) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        n = int(str(value).strip())
    except ValueError as exc:
        raise Invalid(f"Invalid {what} {value!r}: a whole number") from exc
    if n < 0:
        raise Invalid(f"Invalid {what} {value!r}: must not be negative")
    return n


def record_id(ref: str | int, what: str) -> int:
    """A numeric id from user input (`12` or `#12`)."""
    s = str(ref).strip().lstrip("#")
    if not s.isdigit():
        raise Invalid(f"Invalid {what} id {ref!r}: expected a number", field=what)
    return int(s)


def field_pair(pair: str) -> tuple[str, str]:
    """`KEY=VALUE` for custom fields."""
    key, sep, value = pair.partition("=")
    key = key.strip()
    if not sep or not key:
        raise Invalid(f"Invalid field {pair!r}: use KEY=VALUE", field="fields")
    if not _FIELD_KEY.match(key):
        raise Invalid(
            f"Invalid field name {key!r}: letters, digits, space, '_', '.', '-'", field="fields"
        )
    return key, value.strip()


def tag(value: str) -> str:
    t = " ".join(value.strip().split())
    if not t:
        raise Invalid("A tag must not be empty", field="tags")
    if len(t) > 100:
        raise Invalid(f"Tag {value[:20]!r}... is longer than 100 characters", field="tags")
    return t
