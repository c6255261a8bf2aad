"""Long text in $EDITOR (`--edit`) and from standard input (`--body -`), with a fake editor.

The fake editor is a real executable: it records the file it was given (its mode and
content) and appends the text in $FAKE_TEXT, or exits with $FAKE_STATUS.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

FAKE = """#!/bin/sh
f="$1"
stat -c %a "$f" > "$FAKE_LOG.mode"
cp "$f" "$FAKE_LOG.seen"
echo "$f" > "$FAKE_LOG.path"
[ -n "$FAKE_STATUS" ] && exit "$FAKE_STATUS"
printf '%s' "$FAKE_TEXT" >> "$f"
"""


@pytest.fixture
def editor(tmp_path, monkeypatch):
    script = tmp_path / "fake-editor"
    script.write_text(FAKE)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    log = tmp_path / "editor"
    monkeypatch.setenv("EDITOR", str(script))
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("FAKE_LOG", str(log))
    monkeypatch.delenv("FAKE_STATUS", raising=False)

    class Editor:
        def writes(self, text: str) -> None:
            monkeypatch.setenv("FAKE_TEXT", text)

        def fails(self, status: int) -> None:
            monkeypatch.setenv("FAKE_STATUS", str(status))

        @property
        def seen(self) -> str:
            return Path(f"{log}.seen").read_text(encoding="utf-8")

        @property
        def mode(self) -> str:
            return Path(f"{log}.mode").read_text().strip()

        @property
        def file(self) -> Path:
            return Path(Path(f"{log}.path").read_text().strip())

    return Editor()


@pytest.fixture
def zoe(crm):
    crm.ok("contact", "add", "Zoë Ölstad", "--email", "zoe@example.com", "--notes", "Old note")


def _last_body(crm) -> str | None:
    return crm.json("interactions", "--contact", "zoe@example.com")[0]["body"]


def test_log_edit_opens_a_private_temp_file_and_strips_the_header(crm, zoe, editor):
    editor.writes("# not this line\nFirst line — Ünal said yes\n\nSecond line\n")
    r = crm("log", "note", "zoe@example.com", "Release", "--edit")
    assert r.exit_code == 0, r.stderr
    assert _last_body(crm) == "First line — Ünal said yes\n\nSecond line"
    assert editor.mode == "600"
    assert editor.seen.startswith("# Write the body of the note")
    assert not editor.file.exists()  # removed after


def test_an_empty_text_cancels_and_writes_nothing(crm, zoe, editor):
    editor.writes("# only a comment\n\n   \n")
    r = crm("log", "call", "zoe@example.com", "Call", "--edit")
    assert r.exit_code == 1
    assert r.stderr == "Error: Empty text; nothing was changed\n"
    assert crm.json("interactions") == []
    assert not editor.file.exists()


def test_a_failing_editor_changes_nothing(crm, zoe, editor):
    editor.fails(3)
    r = crm("contact", "edit", "zoe@example.com", "--edit")
    assert r.exit_code == 1
    assert "editor exited with status 3" in r.stderr
    assert crm.json("contact", "show", "zoe@example.com")["notes"] == "Old note"


def test_visual_wins_over_editor(crm, zoe, editor, tmp_path, monkeypatch):
    monkeypatch.setenv("EDITOR", "/nonexistent/editor")
    monkeypatch.setenv("VISUAL", str(tmp_path / "fake-editor"))
    editor.writes("From VISUAL")
    assert crm("log", "email", "zoe@example.com", "Mail", "--edit").exit_code == 0
    assert _last_body(crm) == "From VISUAL"


def test_contact_edit_starts_from_the_current_notes(crm, zoe, editor):
    editor.writes("Added line")
    r = crm("contact", "edit", "zoe@example.com", "--edit")
    assert r.exit_code == 0, r.stderr
    assert "\nOld note\n" in editor.seen
    assert crm.json("contact", "show", "zoe@example.com")["notes"] == "Old note\nAdded line"


def test_contact_add_task_deal_and_case_take_their_notes_from_the_editor(crm, zoe, editor):
    editor.writes("Met at the fair")
    crm.ok("contact", "add", "Ünal Kaya", "--edit")
    assert crm.json("contact", "show", "Ünal")["notes"] == "Met at the fair"

    editor.writes("Ask about the\nsecond site")
    crm.ok("task", "add", "Call back", "--contact", "zoe@example.com", "--edit")
    task = crm.json("task", "list")[0]
    assert task["notes"] == "Ask about the\nsecond site"
    editor.writes("\nthen send the quote")
    crm.ok("task", "edit", str(task["id"]), "--edit")
    assert crm.json("task", "show", str(task["id"]))["notes"].endswith("then send the quote")

    editor.writes("Budget approved in Q1")
    deal = crm.json("deal", "add", "Renewal", "--contact", "zoe@example.com", "--value", "10",
                    "--edit")  # fmt: skip
    assert deal["notes"] == "Budget approved in Q1"
    editor.writes("and Q2")
    crm.ok("deal", "edit", str(deal["id"]), "--edit")
    assert crm.json("deal", "show", str(deal["id"]))["notes"] == "Budget approved in Q1\nand Q2"

    editor.writes("Steps to reproduce:\n1. open the invoice")
    case = crm.json("case", "open", "zoe@example.com", "Wrong VAT", "--edit")
    assert case["notes"] == "Steps to reproduce:\n1. open the invoice"
    editor.writes("Credit note sent")
    crm.ok("case", "resolve", str(case["id"]), "--edit")
    assert crm.json("case", "show", str(case["id"]))["resolution_note"] == "Credit note sent"


def test_body_dash_reads_standard_input(crm, zoe):
    text = "commit 1a2b3c\nAuthor: Zoë <zoe@example.com>\n\n    Release 2.0\n"
    r = crm("log", "note", "zoe@example.com", "Release", "--body", "-", input=text)
    assert r.exit_code == 0, r.stderr
    assert _last_body(crm) == text.rstrip("\n")
    empty = crm("log", "note", "zoe@example.com", "Nothing", "--body", "-", input="")
    assert empty.exit_code == 1
    assert len(crm.json("interactions")) == 1


def test_a_real_pipe_into_log_body_dash(run_termcrm, crm, zoe):
    r = run_termcrm("log", "note", "Zoë", "Release", "--body", "-", input="git log line\n")
    assert r.returncode == 0, r.stderr
    assert _last_body(crm) == "git log line"


def test_without_any_editor_the_error_says_how_to_set_one(crm, zoe, monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    r = crm("log", "note", "zoe@example.com", "x", "--edit")
    assert r.exit_code == 1
    assert r.stderr == "Error: No editor found: set $VISUAL or $EDITOR\n"
    os.environ.get("PATH")  # restored by monkeypatch
