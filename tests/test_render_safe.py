"""Stored text never drives the terminal: markup and escape sequences in records stay data.

Hostile values (OSC 52 writing the clipboard, OSC 0 setting the window title, BEL, the C1
CSI 0x9b, rich markup that would crash or make a link) go through every command that prints
records, plain and rich, `remind`, and each TUI screen; none reaches the terminal raw.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess

import pytest
from tui_helpers import Pages, showing, wait_for

from termcrm import remind
from termcrm.render.safe import clean, escape_json

CLIPBOARD = "Pay \x1b]52;c;ZWNobyBwd25lZA==\x07 now"  # OSC 52: writes the clipboard
TITLE = "Eve \x1b]0;PWNED\x07 [/bold]"  # OSC 0: sets the window title; a stray closing tag
LINK = "[link=https://evil.example]Click me[/link]"
CSI_C1 = "Deal \x9b31m red"  # C1 CSI: starts an escape sequence on 8-bit terminals
#: U+202E (RLO) shows "gnp.exe" as "exe.png"; the isolates (U+2066-U+2069) reorder too
BIDI = "Invoice \u202egnp.exe\u202c and \u2067isolated\u2069"
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\u2067")


def assert_neutral(text: str) -> None:
    for ch in RAW:
        assert ch not in text, f"raw {ch!r} reached the terminal: {text!r}"


# -- the rule -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("Zoë Ölstad", "Zoë Ölstad"),
        (CLIPBOARD, "Pay ␛]52;c;ZWNobyBwd25lZA==␇ now"),
        (TITLE, "Eve ␛]0;PWNED␇ [/bold]"),
        (CSI_C1, "Deal \\x9b31m red"),
        ("a\x00b\x7fc", "a␀b␡c"),
        ("over\rwrite", "over␍write"),
        (BIDI, "Invoice \\u202egnp.exe\\u202c and \\u2067isolated\\u2069"),
        ("\u202a\u202b\u202d\u2066\u2068", "\\u202a\\u202b\\u202d\\u2066\\u2068"),
        ("שלום Zoë \u200f", "שלום Zoë \u200f"),  # plain right-to-left text and marks stay
        ("two\nlines\tand a tab", "two lines and a tab"),
        (LINK, LINK),
        (None, ""),
        (42, "42"),
    ],
)
def test_clean_shows_controls_as_visible_characters(stored, shown):
    assert clean(stored) == shown


def test_multiline_keeps_newline_and_tab_only():
    assert clean("Notes:\r\n\tfirst\x1b[2J", multiline=True) == "Notes:\n\tfirst␛[2J"


def test_json_escapes_c1_and_del_without_changing_the_value():
    encoded = json.dumps({"t": CSI_C1 + "\x7f" + BIDI}, ensure_ascii=False)
    escaped = escape_json(encoded)
    assert_neutral(escaped)
    assert "\x7f" not in escaped
    assert json.loads(escaped) == {"t": CSI_C1 + "\x7f" + BIDI}


SAMPLES = [chr(c) for c in (*range(0xA1), *range(0x2028, 0x2030), *range(0x2060, 0x2070))] + [
    CLIPBOARD, TITLE, CSI_C1, LINK, "a\r\nb", "Zoë", BIDI,
]  # fmt: skip


@pytest.mark.parametrize("stored", SAMPLES, ids=lambda s: repr(s)[:24])
def test_remind_restates_the_same_rule(stored):
    """`remind` runs in every shell with the standard library alone: its copy of the rule
    must stay the render layer's, character for character."""
    assert remind.neutral(stored) == clean(stored)


# -- the CLI ------------------------------------------------------------------------------------


@pytest.fixture
def hostile(crm):
    """One of each record, every text field holding markup or escape sequences."""
    crm.ok(
        "contact", "add", TITLE, "--email", "eve@example.com", "--phone", "[/bold]",
        "--title", LINK, "--company", "Evil \x1b[2J Co [b] " + BIDI, "--tag", "t\x07ag",
        "--field", "k=v [/i]\x1b]8;;x\x07",
    )  # fmt: skip
    crm.ok("task", "add", CLIPBOARD, "--contact", "eve@example.com", "--due", "yesterday")
    crm.ok("task", "add", LINK, "--contact", "eve@example.com", "--due", "today")
    crm.ok("log", "call", "eve@example.com", LINK, "--outcome", "done\x1b[2J")
    crm.ok(
        "deal",
        "add",
        CSI_C1,
        "--contact",
        "eve@example.com",
        "--value",
        "10",
        "--close",
        "tomorrow",
    )
    crm.ok("case", "open", "eve@example.com", TITLE)
    crm.ok("contact", "edit", "eve@example.com", "--cadence", "1d")


PRINTING = [
    ("contact", "list"),
    ("contact", "list", "--csv"),
    ("contact", "show", "eve@example.com"),
    ("company", "list"),
    ("company", "show", "1"),
    ("task", "list"),
    ("task", "list", "--csv"),
    ("task", "show", "1"),
    ("deal", "list"),
    ("deal", "list", "--csv"),
    ("deal", "show", "1"),
    ("case", "list"),
    ("case", "show", "1"),
    ("today",),
    ("pipeline",),
    ("interactions",),
    ("interactions", "--csv"),
    ("report", "--owner", "tester"),
    ("history",),
    ("history", "eve@example.com"),
]


@pytest.mark.parametrize("args", PRINTING, ids=" ".join)
def test_plain_output_is_neutralised(crm, hostile, args):
    result = crm(*args)
    assert result.exit_code == 0, result.stderr
    assert_neutral(result.stdout + result.stderr)


def test_plain_output_shows_the_stored_text_visibly(crm, hostile):
    listed = crm.ok("contact", "list")
    assert "Eve ␛]0;PWNED␇ [/bold]" in listed and "t␇ag" in listed
    assert "Pay ␛]52;c;ZWNobyBwd25lZA==␇ now" in crm.ok("task", "list")
    assert "Deal \\x9b31m red" in crm.ok("deal", "list")


@pytest.fixture
def terminal(monkeypatch):
    """Rich output as on a colour terminal (escape codes on)."""
    from termcrm.cli._output import Out

    monkeypatch.setattr(Out, "is_tty", property(lambda self: True))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")


SGR = re.compile(r"\x1b\[[0-9;]*m")


#: the commands with a rich form on a terminal (the `show` commands print plain lines)
RICH = [a for a in PRINTING if "--csv" not in a and a[-1] != "1"]


@pytest.mark.parametrize("args", RICH, ids=" ".join)
def test_rich_output_reads_no_markup_and_sends_only_colours(crm, hostile, terminal, args):
    result = crm(*args)
    assert result.exit_code == 0, result.stderr
    assert SGR.search(result.stdout), "not the rich path"
    assert_neutral(SGR.sub("", result.stdout))
    assert "\x1b]8" not in result.stdout  # no hyperlink was made


def test_rich_card_shows_markup_as_typed(crm, hostile, terminal):
    shown = SGR.sub("", crm.ok("contact", "show", "eve@example.com"))
    assert "[/bold]" in shown and LINK in shown and "Eve ␛]0;PWNED␇" in shown
    tasks = SGR.sub("", crm.ok("task", "list"))
    assert "Click me[/link]" in tasks


def test_json_keeps_the_exact_text(crm, hostile):
    result = crm("task", "list", "--json")
    assert_neutral(result.stdout)
    assert {t["title"] for t in json.loads(result.stdout)} == {CLIPBOARD, LINK}
    deal = crm.json("deal", "show", "1")
    assert deal["title"] == CSI_C1


def test_export_to_a_file_keeps_the_exact_text(crm, hostile, tmp_path):
    target = tmp_path / "contacts.csv"
    crm.ok("export", "contacts", "-o", target)
    assert TITLE in target.read_text(encoding="utf-8")


def test_error_messages_quote_stored_text_neutralised(crm, hostile):
    result = crm("contact", "add", "Other", "--email", "EVE@example.com")
    assert result.exit_code == 1
    result = crm("contact", "show", "Eve")  # one match: fine
    assert result.exit_code == 0
    crm.ok("contact", "add", "Eve \x1b]0;two\x07")
    result = crm("contact", "show", "Eve")
    assert result.exit_code == 1 and "Error:" in result.stderr
    assert_neutral(result.stderr)
    assert "␛]0;two␇" in result.stderr


def test_remind_in_a_real_shell_start_up_writes_no_clipboard(crm, hostile, run_termcrm):
    done = run_termcrm("remind", "--always")
    assert done.returncode == 0
    assert "! Pay ␛]52;c;ZWNobyBwd25lZA==␇ now" in done.stdout
    assert_neutral(done.stdout)


def test_a_real_terminal_gets_no_escape_sequence_from_the_data(crm, hostile, run_termcrm):
    """`contact show` on a pseudo-terminal: rich's own colours only."""
    import pty

    from conftest import termcrm_executable

    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "160"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(
        [termcrm_executable(), "contact", "show", "eve@example.com"],
        stdin=follower, stdout=follower, stderr=follower, env=env,
    )  # fmt: skip
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    assert proc.wait(timeout=60) == 0
    os.close(leader)
    shown = b"".join(chunks).decode()
    assert "[/bold]" in shown and "\x1b]" not in shown
    assert_neutral(SGR.sub("", shown))


# -- the TUI ------------------------------------------------------------------------------------


def screen_text(app) -> str:
    """Everything the screen shows now, as text."""
    svg = app.export_screenshot()
    return html.unescape(svg).replace("\xa0", " ")


@pytest.fixture
def tui(db_path, hostile):
    from termcrm.tui.app import CrmApp

    return CrmApp(db_target=str(db_path), refresh_every=None)


async def test_every_tui_screen_shows_hostile_text_as_data(tui):
    from termcrm.tui.screens.contact_detail import ContactDetailScreen

    app = tui
    pages = Pages()
    async with app.run_test(size=(160, 40), message_hook=pages) as pilot:
        await pages.ready(pilot)
        # the page is recorded as the table posts it: wait for the paint the screenshot shows
        await wait_for(pilot, lambda: "Eve ␛]0;PWNED␇ [/bold]" in screen_text(app))
        contacts = screen_text(app)
        assert "Eve ␛]0;PWNED␇ [/bold]" in contacts
        assert_neutral(contacts)

        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactDetailScreen))
        # The detail's widgets fill in after its read; wait for what they show.
        await wait_for(pilot, lambda: "Click me[/link]" in screen_text(app))
        detail = screen_text(app)
        assert "[/bold]" in detail and "Click me[/link]" in detail
        assert_neutral(detail)
        await pilot.press("escape")

        # the dashboard shows no stored text: its own line says its figures are painted
        shown_by = (("2", "Deal \\x9b31m red"), ("3", "Pay ␛]52;c;"), ("4", "p changes the period"))
        for key, expected in shown_by:
            await pilot.press(key)
            await wait_for(pilot, lambda expected=expected: expected in screen_text(app))
            shown = screen_text(app)
            assert expected in shown, key
            assert_neutral(shown)


async def test_tui_notification_quotes_a_title_as_typed(tui):
    from textual.widgets import DataTable

    from termcrm.tui.screens.agenda import AgendaScreen

    app = tui
    pages = Pages()
    async with app.run_test(size=(160, 40), message_hook=pages) as pilot:
        await pages.ready(pilot)
        await pilot.press("3")
        await wait_for(pilot, lambda: showing(app, AgendaScreen))
        table = app.screen.query_one("#agenda-due_today", DataTable)
        await wait_for(pilot, lambda: table.row_count == 1)
        table.focus()
        await pilot.press("d")
        await wait_for(pilot, lambda: any("Done:" in n.message for n in app._notifications))
        done = next(n for n in app._notifications if "Done:" in n.message)
        assert done.message == f"Done: {LINK}" and done.markup is False
