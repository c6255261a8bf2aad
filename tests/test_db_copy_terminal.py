"""`termcrm db copy` on a terminal shows a progress bar; piped, it prints only the result."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import termcrm_executable
from test_tui_cli import read_until, wait_exit

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")

BAR = "━".encode()


def _seeded(crm) -> None:
    for n in range(30):
        crm.ok("contact", "add", f"Zoë Ölstad {n:02d}", "--email", f"zoe{n}@example.org")


def test_a_copy_on_a_terminal_shows_its_progress(crm, tmp_path):
    import pty

    _seeded(crm)
    target = tmp_path / "copy.db"
    pid, fd = pty.fork()
    if pid == 0:  # the child: the console script with a terminal on stdout and stderr
        os.environ["TERM"] = "xterm-256color"
        os.environ["COLUMNS"] = "100"
        os.execv(termcrm_executable(), ["termcrm", "db", "copy", "--to", str(target)])
    out = b""
    try:
        out = read_until(fd, b"every table matches", 60)
    finally:
        status, rest = wait_exit(pid, fd)
    out += rest
    assert status is not None and os.waitstatus_to_exitcode(status) == 0, out[-2000:]
    # the result table draws ━ and names the tables too: look only at what came before it
    bar = out.split("┏".encode())[0]
    assert BAR in bar  # the bar was drawn ...
    assert b"contacts" in bar  # ... a line a table
    assert b"Copied" in out and b"every table matches" in out


def test_a_piped_copy_prints_no_bar(crm, tmp_path):
    _seeded(crm)
    r = subprocess.run(
        [termcrm_executable(), "db", "copy", "--to", str(tmp_path / "copy.db")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert "━" not in r.stdout + r.stderr
    assert "every table matches" in r.stdout
