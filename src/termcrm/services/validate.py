"""Validation of single values, shared by every service (and so by CLI, TUI and imports).

Every stored quantity has a documented range (docs/security.md), checked here once: a value
outside it is `Invalid` (exit 2) naming its field, never an overflow deep in a query.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from termcrm.errors import Invalid, TermcrmError

#: ids are 64-bit signed integers on every engine
MAX_ID = 2**63 - 1
#: money: below 10^15 minor units (9,999,999,999,999.99), so a sum of a thousand deals
#: still fits a signed 64-bit integer of cents on SQLite and PostgreSQL
MAX_AMOUNT_MINOR = 10**15 - 1
#: the stay-in-touch cadence: up to 10 years
MAX_CADENCE_DAYS = 3650
#: an interaction's duration: up to a week, in minutes
MAX_DURATION_MIN = 7 * 24 * 60
#: whole-number options (limits, counts) stop here
MAX_COUNT = 10**9

_CURRENCY = re.compile(r"^[A-Z]{3}$")
#: a custom field's name; brackets and commas for the typed keys a vCard import writes
#: (`email 2 (home, pref)`), so `--field` can set those too
_FIELD_KEY = re.compile(r"^[A-Za-z0-9_.\-(), ]{1,100}$")


T = TypeVar("T")


class Checks:
    """Validates several inputs and reports every invalid one at once (not just the first):
    `value = checks(validate.email, raw)` returns the checked value, or None after noting the
    `Invalid`; `checks.done()` then raises one `Invalid` carrying them all (`problems`).

        checks = Checks()
        email = checks(validate.email, email)
        due = checks(dates.parse_when, due, about="due")
        checks.done()
    """

    def __init__(self) -> None:
        self.problems: list[Invalid] = []

    def __call__(self, check: Callable[..., T], *args: Any, about: str | None = None, **kw: Any):
        """`check(*args, **kw)`, or None once its `Invalid` is noted (`about`: the field an
        error that names none is about)."""
        try:
            if about is None:
                return check(*args, **kw)
            with about_field(about):
                return check(*args, **kw)
        except Invalid as exc:
            self.problems.extend(exc.problems)
            return None

    def note(self, error: Invalid) -> None:
        """An invalid input found by the caller's own rule."""
        self.problems.extend(error.problems)

    def failed(self, *fields: str) -> bool:
        """Whether any of `fields` (any at all, when none are named) was invalid."""
        return any(not fields or p.field in fields for p in self.problems)

    def done(self) -> None:
        """Raise the invalid inputs found so far, if any."""
        if self.problems:
            raise Invalid.of(self.problems)


@contextmanager
def about(field: str) -> Iterator[None]:
    """Name `field` in an error raised inside (one that names no field yet): for parsers
    that do not know which input they read, such as `dates.parse_when`, and for references
    (a contact typed in a form's contact field that matches no one)."""
    try:
        yield
    except TermcrmError as exc:
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
    """A syntactically valid address, normalised (the domain lower-cased); None for blank.

    Syntax only, never deliverability: no network look-ups, and addresses that work inside
    one network are accepted, namely special-use domains (`bob@corp.local`, `x@doe.invalid`,
    `a@host.internal`, `root@localhost`) and domains without a dot (`admin@mailhost`, which
    RFC 5321 allows). Spaces, a missing `@`, empty labels and the like stay invalid."""
    if value is None:
        return None
    v = value.strip()
    if not v:
        return None
    plain = _plain_email(v)
    return plain if plain is not None else _checked_email(v, value)


#: the everyday address: dot-atom ASCII local part, ASCII labels, a letter TLD
_PLAIN_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})$"
)


def _plain_email(v: str) -> str | None:
    """The fast path (imports call this for every row): an everyday ASCII address as
    `_checked_email` normalises it, in a few microseconds instead of ~50; None means "ask
    `_checked_email`". tests/test_email_rule.py pins the two together over hostile values."""
    m = _PLAIN_EMAIL.match(v)
    if m is None or len(v) > 254 or v.index("@") > 64 or "--" in m.group(1):
        return None  # long, IDNA (`xn--`) or unusual: the full check decides
    return v[: m.start(1)] + m.group(1).lower()


def _checked_email(v: str, value: str) -> str:
    """The full syntax check (email_validator), special-use domains allowed."""
    from email_validator import EmailNotValidError, validate_email

    # email_validator refuses special-use names outright, all but `test` in its test mode:
    # check the address with such a last label spelt `test`, then put the label back
    local, _at, domain = v.rpartition("@")
    label = domain.rpartition(".")[2]
    special = label.isascii() and label.lower() in _special_use_labels()
    probe = f"{local}@{domain[: len(domain) - len(label)]}test" if special else v
    try:
        found = validate_email(
            probe, check_deliverability=False, globally_deliverable=False, test_environment=True
        ).normalized
    except EmailNotValidError as exc:
        raise Invalid(f"Invalid email {value!r}: {exc}", field="email") from exc
    return f"{found[:-4]}{label.lower()}" if special else found


def _special_use_labels() -> frozenset[str]:
    """The one-label special-use names email_validator refuses (IANA's list: local, invalid,
    localhost, onion, arpa, test)."""
    global _SPECIAL
    if _SPECIAL is None:
        import email_validator

        _SPECIAL = frozenset(d for d in email_validator.SPECIAL_USE_DOMAIN_NAMES if "." not in d)
    return _SPECIAL


_SPECIAL: frozenset[str] | None = None


def text(
    value: str | None,
    what: str,
    *,
    required: bool = False,
    max_len: int = 500,
    field: str | None = None,
) -> str | None:
    """Trimmed text; blank is None (or Invalid when required). NUL (which PostgreSQL cannot
    store) and text that is not valid Unicode (undecodable bytes) are refused."""
    v = (value or "").strip()
    if not v:
        if required:
            raise Invalid(f"{what.capitalize()} must not be empty", field=field or what)
        return None
    if len(v) > max_len:
        raise Invalid(
            f"{what.capitalize()} is longer than {max_len} characters", field=field or what
        )
    if "\x00" in v or not v.isascii():  # ASCII without NUL (most text) needs no more
        unicode_text(v, field or what)
    return v


def unicode_text(value: str, what: str) -> str:
    """`value` if it can be stored on every engine: no NUL, no undecodable bytes."""
    if "\x00" in value:
        raise Invalid(f"{what.capitalize()} contains a NUL character", field=what)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise Invalid(f"{what.capitalize()} is not valid UTF-8 text", field=what) from exc
    return value


def amount_minor(value: str | int | Decimal) -> int:
    """A money amount as integer minor units (cents): `1200`, `1,200.50`, `1200.5`.

    Negative, non-numeric or sub-cent amounts are invalid; money is never a float.
    """
    with about("value"):
        return _amount_minor(value)


def _amount_minor(value: str | int | Decimal) -> int:
    raw = str(value).strip().replace("_", "").replace(",", "")
    if len(raw) > 40:
        raise Invalid(f"Invalid amount {raw[:20]!r}...: too long", field="value")
    try:
        dec = Decimal(raw)
    except InvalidOperation as exc:
        raise Invalid(f"Invalid amount {value!r}: not a number", field="value") from exc
    if not dec.is_finite():
        raise Invalid(f"Invalid amount {value!r}: not a number", field="value")
    if dec < 0:
        raise Invalid(f"Invalid amount {value!r}: must not be negative", field="value")
    if dec * 100 > MAX_AMOUNT_MINOR:
        top = Decimal(MAX_AMOUNT_MINOR) / 100
        raise Invalid(f"Invalid amount {value!r}: at most {top:,}", field="value")
    cents = dec * 100
    if cents != cents.to_integral_value():
        raise Invalid(f"Invalid amount {value!r}: at most two decimals", field="value")
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
        raise Invalid(
            f"Invalid {what} {value!r}: a whole number from 0 to 100", field=what
        ) from exc
    if not 0 <= pct <= 100:
        raise Invalid(f"Invalid {what} {value!r}: a whole number from 0 to 100", field=what)
    return pct


def positive_int(
    value: int | str | None, what: str, maximum: int = MAX_COUNT, *, field: str | None = None
) -> int | None:
    """A whole number from 0 to `maximum`; blank is None."""
    with about(field or what):
        return _positive_int(value, what, maximum)


def _positive_int(value: int | str | None, what: str, maximum: int) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    raw = str(value).strip()
    try:
        n = int(raw) if len(raw) <= 30 else None
    except ValueError as exc:
        raise Invalid(f"Invalid {what} {value!r}: a whole number", field=what) from exc
    if n is None or n > maximum:
        raise Invalid(f"Invalid {what} {raw[:30]!r}: at most {maximum:,}", field=what)
    if n < 0:
        raise Invalid(f"Invalid {what} {value!r}: must not be negative", field=what)
    return n


def numeric_id(ref: str | int, what: str) -> int | None:
    """The id a reference names when it is a number (`12`, `#12`), else None; a number no
    record can have (beyond 64 bits) is `Invalid`."""
    s = str(ref).strip().lstrip("#")
    if not (s.isascii() and s.isdigit()):
        return None
    n = int(s) if len(s) <= 20 else MAX_ID + 1
    if n > MAX_ID:
        raise Invalid(f"Invalid {what} id {s[:24]!r}: ids go up to {MAX_ID}", field=what)
    return n


def record_id(ref: str | int, what: str) -> int:
    """A numeric id from user input (`12` or `#12`)."""
    n = numeric_id(ref, what)
    if n is None:
        raise Invalid(f"Invalid {what} id {ref!r}: expected a number", field=what)
    return n


def field_pair(pair: str) -> tuple[str, str]:
    """`KEY=VALUE` for custom fields."""
    key, sep, value = pair.partition("=")
    key = key.strip()
    if not sep or not key:
        raise Invalid(f"Invalid field {pair!r}: use KEY=VALUE", field="fields")
    if not _FIELD_KEY.match(key):
        raise Invalid(
            f"Invalid field name {key!r}: letters, digits, space, '_', '.', '-', '(', ')', ','",
            field="fields",
        )
    return key, value.strip()


def tag(value: str) -> str:
    t = " ".join(value.strip().split())
    if not t:
        raise Invalid("A tag must not be empty", field="tags")
    if len(t) > 100:
        raise Invalid(f"Tag {value[:20]!r}... is longer than 100 characters", field="tags")
    return t


about_field = about
