"""One email rule (`validate.email`) for `contact add`, the TUI and imports: syntax only,
special-use and dotless domains accepted; its fast path is pinned to the full check."""

from __future__ import annotations

from pathlib import Path

import pytest

from termcrm.errors import Invalid
from termcrm.services import validate

#: hostile values first: control characters, non-ASCII, empty, huge, mixed case
HOSTILE = [
    "",
    " ",
    "\t\n",
    "a\x00b@example.com",
    "ada@exa\x00mple.com",
    "ada\x1b[31m@example.com",
    "ada@example.com\x1b[0m",
    "ada@exam\nple.com",
    "\u202eada@example.com",
    "ada@example.com\u200b",
    "zoë@example.com",
    "ZOË@EXÄMPLE.COM",
    "ada@exämple.com",
    "ada@xn--exmple-cua.com",
    "ada@foo--bar.com",
    "δοκιμή@παράδειγμα.δοκιμή",
    "a" * 64 + "@example.com",
    "a" * 65 + "@example.com",
    "a@" + ".".join(["b" * 63] * 3) + ".com",
    "a@" + ".".join(["b" * 63] * 4) + ".com",
    "a@" + "b" * 64 + ".com",
    "x" * 10_000,
    "x" * 5_000 + "@" + "y" * 5_000 + ".com",
    "Ada.Lovelace@Example.COM",
    "ADA@EXAMPLE.COM",
    "aDa+Tag@Sub.Example.Co.Uk",
    "ada@example.c",
    "ada@example.123",
    "ada@1.2.3.4",
    "ada@[127.0.0.1]",
    "ada@-example.com",
    "ada@example-.com",
    "ada@example..com",
    ".ada@example.com",
    "ada.@example.com",
    "a..da@example.com",
    '"ada lovelace"@example.com',
    "ada lovelace@example.com",
    "ada@example .com",
    "ada@@example.com",
    "@example.com",
    "ada@",
    "ada",
    "ada@example.com.",
    "Bob@Corp.LOCAL",
    "x@doe.invalid",
    "a@host.internal",
    "a@example",
    "root@localhost",
    "a@x.onion",
    "a@1.in-addr.arpa",
    "a@x.test",
    "a@.local",
    "a@local.",
    "ada@exämple.local",
    "!#$%&'*+/=?^_`{|}~-@example.com",
]


def _full(value: str):
    """What the full check (email_validator) says: the normalised address or Invalid."""
    v = value.strip()
    if not v:
        return None
    try:
        return validate._checked_email(v, value)
    except Invalid:
        return Invalid


def _rule(value: str):
    try:
        return validate.email(value)
    except Invalid:
        return Invalid


@pytest.mark.parametrize("value", HOSTILE)
def test_the_fast_path_agrees_with_the_full_check(value):
    assert _rule(value) == _full(value)
    fast = validate._plain_email(value.strip())
    if fast is not None:  # when the fast path answers, it answers as the full check does
        assert fast == _full(value)


def test_the_fast_path_answers_the_everyday_address():
    # or it would be no fast path at all (imports call it for every row)
    assert validate._plain_email("Ada.Lovelace@Example.COM") == "Ada.Lovelace@example.com"
    assert validate._plain_email("bob@corp.local") == "bob@corp.local"


@pytest.mark.parametrize(
    "value, stored",
    [
        ("bob@corp.local", "bob@corp.local"),
        ("Bob@Corp.LOCAL", "Bob@corp.local"),
        ("x@doe.invalid", "x@doe.invalid"),
        ("a@host.internal", "a@host.internal"),
        ("root@localhost", "root@localhost"),
        ("a@example", "a@example"),
        ("admin@mailhost", "admin@mailhost"),
        ("a@x.onion", "a@x.onion"),
    ],
)
def test_special_use_and_dotless_domains_are_addresses(value, stored):
    assert validate.email(value) == stored


@pytest.mark.parametrize(
    "value", ["bob smith@corp.local", "bob@corp .local", "bob@.local", "bob@local.", "@local"]
)
def test_broken_syntax_stays_invalid_at_special_use_domains(value):
    with pytest.raises(Invalid):
        validate.email(value)


def test_contact_add_takes_special_use_domains(crm):
    added = crm.json("contact", "add", "Bob", "--email", "Bob@Corp.LOCAL")
    assert added["email"] == "Bob@corp.local"
    assert crm.json("contact", "add", "Root", "--email", "root@localhost")["email"] == (
        "root@localhost"
    )
    bad = crm("contact", "add", "Eve", "--email", "eve smith@corp.local")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("Error: Invalid email 'eve smith@corp.local': ")
    assert len(crm.json("contact", "list")) == 2


def test_import_takes_special_use_domains_and_refuses_a_space(crm, tmp_path: Path):
    f = tmp_path / "exchange.csv"
    f.write_text(
        "Name,Email\n"
        "Bob,bob@corp.local\n"
        "Doe,x@doe.invalid\n"
        "Hal,a@host.internal\n"
        "Eve,eve smith@corp.local\n",
        encoding="utf-8",
    )
    result = crm("import", "contacts", f)
    assert result.exit_code == 2
    assert "line 5: Invalid email 'eve smith@corp.local'" in result.stderr
    assert crm.json("contact", "list") == []
    report = crm.json("import", "contacts", f, "--skip-bad")
    assert (report["created"], report["error_count"]) == (3, 1)
    emails = sorted(c["email"] for c in crm.json("contact", "list"))
    assert emails == ["a@host.internal", "bob@corp.local", "x@doe.invalid"]
