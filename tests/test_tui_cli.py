"""`termcrm tui` as a user starts it: a real process on a pseudo-terminal."""

from __future__ import annotations

import os
import select
import sys
import time

import pytest
from conftest import termcrm_executable
from tui_helpers import seed

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")


def read_until(fd: int, needle: bytes, timeout: float) -> bytes:
    out = b""
    end = time.monotonic() + timeout
    while needle not in out and time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                out += os.read(fd, 65536)
            except OSError:
                break
    return out


def wait_exit(pid: int, fd: int, timeout: float = 15) -> tuple[int | None, bytes]:
    """The exit status of the child `pid` on the terminal `fd` (None if it did not end in
    `timeout` s: then it is killed) and what it printed meanwhile; `fd` is closed after."""
    out, status = b"", None
    end = time.monotonic() + timeout
    try:
        while status is None and time.monotonic() < end:
            out += read_until(fd, b"\x00never", 0.1)  # keep the pty drained
            done, code = os.waitpid(pid, os.WNOHANG)
            status = code if done else None
    finally:
        if status is None:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        os.close(fd)
    return status, out


def test_tui_starts_shows_contacts_and_quits(store):
    import pty

    seed(store)
    pid, fd = pty.fork()
    if pid == 0:  # the child: the installed console script, as a user runs it
        os.environ["TERM"] = "xterm-256color"
        os.execv(termcrm_executable(), ["termcrm", "tui"])
    try:
        out = read_until(fd, b"Linus Torvalds", 30)
        assert b"Ada Lovelace" in out and b"Linus Torvalds" in out
        os.write(fd, b"q")
    finally:
        status, _ = wait_exit(pid, fd)
    assert status is not None, "termcrm tui did not quit on q"
    assert os.waitstatus_to_exitcode(status) == 0


def test_tui_help(crm):
    out = crm.ok("tui", "--help")
    assert "Example: crm tui" in out


def test_the_tui_reads_without_the_memory_map(crm, monkeypatch):
    """A long session must not keep every page it ever read resident (TUI memory target)."""
    from sqlalchemy import text

    from termcrm.tui import app as tui_app

    seen = {}

    def run(self):
        with self.store.read() as s:
            seen["mmap"] = s.connection().execute(text("PRAGMA mmap_size")).scalar()

    monkeypatch.setattr(tui_app.CrmApp, "run", run)
    crm.ok("tui")
    assert seen == {"mmap": 0}
