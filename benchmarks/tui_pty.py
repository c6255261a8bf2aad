#!/usr/bin/env python3
"""The TUI as a person waits for it: `termcrm tui` in a real pseudo-terminal, timed from
the launch or the keystroke to the screen showing the expected text.

    python benchmarks/tui_pty.py DB [--runs 3] [--size 120x36] [--json]

Each run starts the app on a pty, reads what it writes into a small screen model (cursor
moves and text; colours ignored), and times:

- launch -> first page: until the contacts table's first row is the first contact by name
  (and, separately, until the total is shown);
- each keystroke of a search ("okafor", then the short fragments "zo" and "qu"): until the
  table's first row is the first match of the text typed so far (keys that leave the first
  row as it was are not timed);
- a contact (enter), the board (2), a deal moved (>), the agenda (3), the dashboard (4):
  until the screen shows what that screen loads.

The reference is a minimal Textual app showing one line, launched the same way: the floor of
any Textual app on this machine. Expected texts come from termcrm's own services on DB,
read before the app starts. The in-process figures (`_probe.py tui`) are a different thing:
the widget's time after the imports, without a terminal in between.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import pty
import re
import select
import shutil
import signal
import statistics
import struct
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path

SEARCHES = ("okafor", "zo", "qu")
MINIMAL_APP = """\
from textual.app import App
from textual.widgets import Static


class Minimal(App):
    def compose(self):
        yield Static("termcrm-bench-ready")


Minimal().run()
"""
READY = "termcrm-bench-ready"

_CSI = re.compile(rb"\x1b\[([0-9;?<=>]*)[ -/]*([@-~])")
_OSC = re.compile(rb"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
_OTHER_ESC = re.compile(rb"\x1b[()][0-9A-Za-z]|\x1b[=>78DEHM]|\x1bP[^\x1b]*\x1b\\")


class Screen:
    """Just enough of a terminal to know which text is where: cursor position, text, erase."""

    def __init__(self, cols: int, rows: int) -> None:
        self.cols, self.rows = cols, rows
        self.grid = [[" "] * cols for _ in range(rows)]
        self.x = self.y = 0
        self._pending = b""

    def feed(self, data: bytes) -> None:
        data = self._pending + data
        self._pending = b""
        i = 0
        while i < len(data):
            b = data[i]
            if b == 0x1B:
                m = _CSI.match(data, i) or _OSC.match(data, i) or _OTHER_ESC.match(data, i)
                if m is None:
                    if len(data) - i < 64:  # a sequence cut in two by the read: wait for more
                        self._pending = data[i:]
                        return
                    i += 1
                    continue
                if m.re is _CSI:
                    self._csi(m.group(1).decode(), m.group(2).decode())
                i = m.end()
                continue
            if b == 0x0D:
                self.x = 0
            elif b == 0x0A:
                self.y = min(self.rows - 1, self.y + 1)
            elif b == 0x08:
                self.x = max(0, self.x - 1)
            elif b >= 0x20:
                # one UTF-8 character
                n = 1 if b < 0x80 else 2 if b < 0xE0 else 3 if b < 0xF0 else 4
                if i + n > len(data):
                    self._pending = data[i:]
                    return
                ch = data[i : i + n].decode("utf-8", "replace")
                if 0 <= self.y < self.rows and 0 <= self.x < self.cols:
                    self.grid[self.y][self.x] = ch
                self.x += 1
                i += n
                continue
            i += 1

    def _csi(self, params: str, final: str) -> None:
        if params.startswith("?"):
            return  # private modes (mouse, sync output, cursor visibility)
        nums = [int(p) if p.isdigit() else 0 for p in params.split(";")] if params else []
        first = nums[0] if nums else 0
        if final in "Hf":
            row = nums[0] if nums and nums[0] else 1
            col = nums[1] if len(nums) > 1 and nums[1] else 1
            self.y, self.x = row - 1, col - 1
        elif final == "A":
            self.y = max(0, self.y - (first or 1))
        elif final == "B":
            self.y = min(self.rows - 1, self.y + (first or 1))
        elif final == "C":
            self.x += first or 1
        elif final == "D":
            self.x = max(0, self.x - (first or 1))
        elif final == "G":
            self.x = (first or 1) - 1
        elif final == "K" and 0 <= self.y < self.rows:
            line = self.grid[self.y]
            start, end = {0: (self.x, self.cols), 1: (0, self.x + 1)}.get(first, (0, self.cols))
            for x in range(max(0, start), min(self.cols, end)):
                line[x] = " "
        elif final == "J" and first == 2:
            self.grid = [[" "] * self.cols for _ in range(self.rows)]

    def lines(self) -> list[str]:
        return ["".join(row) for row in self.grid]

    def text(self) -> str:
        return "\n".join(self.lines())


class Terminal:
    """A program running on a pseudo-terminal of a fixed size."""

    def __init__(self, argv: list[str], env: dict[str, str], size: tuple[int, int]) -> None:
        cols, rows = size
        self.screen = Screen(cols, rows)
        self.started = time.perf_counter()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the program, as a user starts it
            try:
                os.execvpe(argv[0], argv, env)
            finally:
                os._exit(127)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.maxrss_kb = 0

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.fd, 1 << 16)
        except OSError:
            return False
        self.screen.feed(data)
        return True

    def wait(self, condition: Callable[[Screen], bool], timeout: float = 60.0) -> float:
        """Seconds (since the last `send` or the launch) until `condition(screen)` holds."""
        end = time.perf_counter() + timeout
        while not condition(self.screen):
            if time.perf_counter() > end:
                name = getattr(condition, "what", "what was expected")
                raise TimeoutError(
                    f"the screen did not show {name} within {timeout:.0f} s; it shows:\n"
                    + self.screen.text()
                )
            self._read(0.05)
        return time.perf_counter() - self.started

    def send(self, keys: bytes) -> None:
        while self._read(0):  # take in what is on its way first
            pass
        self.started = time.perf_counter()
        os.write(self.fd, keys)

    def settle(self, quiet: float = 0.3, timeout: float = 30.0) -> None:
        """Read until the program has written nothing for `quiet` seconds."""
        end = time.perf_counter() + timeout
        while time.perf_counter() < end and self._read(quiet):
            pass

    def close(self, quit_keys: bytes = b"q") -> None:
        with contextlib.suppress(OSError):
            os.write(self.fd, quit_keys)
        end = time.perf_counter() + 15
        while time.perf_counter() < end:
            self._read(0.05)
            pid, _status, usage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                self.maxrss_kb = usage.ru_maxrss
                break
        else:
            os.kill(self.pid, signal.SIGKILL)
            _, _status, usage = os.wait4(self.pid, 0)
            self.maxrss_kb = usage.ru_maxrss
        os.close(self.fd)


# -- what the screens should show, from termcrm's services --------------------------------------


def expected(db: str) -> dict:
    from termcrm.services import pager
    from termcrm.services.search import ContactQuery
    from termcrm.store.engine import open_store

    store = open_store(db, memory_map=False)
    out: dict = {"searches": {}}
    try:
        with store.read() as s:
            first = pager.contact_page(s, ContactQuery(), sort="name", limit=1)
            out["first"] = first[0].name if first else ""
            out["total"] = pager.count(s, ContactQuery())
            for text in SEARCHES:
                out["searches"][text] = []
                for n in range(1, len(text) + 1):
                    page = pager.contact_page(
                        s, ContactQuery(search=text[:n]), sort="name", limit=1
                    )
                    out["searches"][text].append(page[0].name if page else "")
    finally:
        store.close()
    return out


def _name_cell(name: str) -> str:
    """What the start of a name looks like in its column (wide enough for 12 cells)."""
    return name[:12]


def first_row(screen: Screen) -> str | None:
    """The contacts table's first row, or None when the table's header is not on screen."""
    lines = screen.lines()
    for y, line in enumerate(lines[:-1]):
        if "Name ▲" in line and "Company" in line:
            return lines[y + 1].strip()
    return None


def shows_first(name: str) -> Callable[[Screen], bool]:
    def check(screen: Screen) -> bool:
        row = first_row(screen)
        if row is None:
            return False
        return row.startswith(_name_cell(name)) if name else row == ""

    check.what = f"{name!r} in the first row"  # type: ignore[attr-defined]
    return check


def shows(*texts: str, absent: str | None = None) -> Callable[[Screen], bool]:
    def check(screen: Screen) -> bool:
        text = screen.text()
        return all(t in text for t in texts) and (absent is None or absent not in text)

    check.what = " and ".join(map(repr, texts))  # type: ignore[attr-defined]
    return check


def shows_count(n: int) -> Callable[[Screen], bool]:
    return shows(f"{n:,} contact")


# -- the runs -------------------------------------------------------------------------------------


def one_run(argv: list[str], env: dict[str, str], size, want: dict) -> dict:
    term = Terminal(argv, env, size)
    r: dict = {"keys": {}}
    try:
        r["first_page"] = term.wait(shows_first(want["first"]))
        r["total_shown"] = term.wait(shows_count(want["total"]))
        term.settle()
        for text in SEARCHES:
            term.send(b"/")
            term.settle(0.2)
            before = want["first"]
            times = []
            for n, ch in enumerate(text):
                now = want["searches"][text][n]
                term.send(ch.encode())
                if now == before:
                    term.settle(0.2)
                    continue  # the first row stays: nothing to see change
                times.append(term.wait(shows_first(now)))
                before = now
            r["keys"][text] = times
            term.send(b"\x15")  # ctrl+u: empty the search box
            term.wait(shows_first(want["first"]))
            term.send(b"\x1b")  # escape: back to the table
            term.settle(0.2)
        term.send(b"\r")  # the first contact
        r["contact"] = term.wait(shows("Timeline", _name_cell(want["first"]), absent="Loading…"))
        term.send(b"\x1b")
        term.wait(shows_first(want["first"]))
        term.settle(0.2)
        term.send(b"2")
        r["board"] = term.wait(shows("Open pipeline:"))
        term.settle()
        before = term.screen.text()
        term.send(b">")
        r["deal_move"] = term.wait(lambda s: "is now" in s.text() and s.text() != before)
        term.settle()
        term.send(b"3")
        r["agenda"] = term.wait(shows("Overdue ("))
        term.settle()
        term.send(b"4")
        r["dashboard"] = term.wait(shows("The last 30 days"))
        term.settle()
    finally:
        term.close(b"q")
    r["maxrss_kb"] = term.maxrss_kb
    return r


def reference_run(env: dict[str, str], size, tmp: Path) -> tuple[float, int]:
    script = tmp / "minimal_textual_app.py"
    script.write_text(MINIMAL_APP, encoding="utf-8")
    term = Terminal([sys.executable, str(script)], env, size)
    try:
        took = term.wait(shows(READY))
    finally:
        term.close(b"\x11")  # ctrl+q, Textual's own quit key
    return took, term.maxrss_kb


def termcrm_argv() -> list[str]:
    exe = Path(sys.executable).with_name("termcrm")
    return [str(exe) if exe.exists() else (shutil.which("termcrm") or "termcrm"), "tui"]


def measure(db: str, runs: int, size: tuple[int, int], env: dict[str, str] | None = None) -> dict:
    import tempfile

    env = dict(env or os.environ)
    env.update(TERMCRM_DB=db, TERM="xterm-256color", COLUMNS=str(size[0]), LINES=str(size[1]))
    env.pop("NO_COLOR", None)
    want = expected(db)
    out: dict = {"runs": [], "reference": [], "size": list(size), "searches": list(SEARCHES)}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            ref, ref_kb = reference_run(env, size, Path(tmp))
            out["reference"].append(ref)
            out["reference_maxrss_kb"] = ref_kb
            out["runs"].append(one_run(termcrm_argv(), env, size, want))
    return summarise(out)


def summarise(out: dict) -> dict:
    runs = out["runs"]

    def med(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    s = {
        "reference_launch": statistics.median(out["reference"]),
        **{k: med(k) for k in ("first_page", "total_shown", "contact", "board", "deal_move",
                                "agenda", "dashboard")},
        "maxrss_kb": max(r["maxrss_kb"] for r in runs),
        "keys": {
            t: [k for r in runs for k in r["keys"].get(t, [])] for t in SEARCHES
        },
    }  # fmt: skip
    all_keys = [k for ks in s["keys"].values() for k in ks]
    s["keystroke_median"] = statistics.median(all_keys) if all_keys else None
    s["keystroke_max"] = max(all_keys) if all_keys else None
    s["first_page_ratio"] = s["first_page"] / s["reference_launch"]
    return {**out, "summary": s}


def report(result: dict) -> str:
    s = result["summary"]

    def ms(v: float | None) -> str:
        return "n/a" if v is None else f"{v * 1000:,.0f} ms"

    lines = [
        f"through a {result['size'][0]}x{result['size'][1]} pseudo-terminal, "
        f"{len(result['runs'])} run(s), medians",
        f"ref: minimal Textual app launch   {ms(s['reference_launch'])}",
        f"launch -> first page              {ms(s['first_page'])}  "
        f"({s['first_page_ratio']:.2f}x the minimal app; target <= 1.5x)",
        f"launch -> total shown             {ms(s['total_shown'])}",
        f"search keystroke                  {ms(s['keystroke_median'])} "
        f"(max {ms(s['keystroke_max'])}; target <= 50 ms)",
    ]
    for text, ks in s["keys"].items():
        lines.append(f"  {text!r:8} per key: " + ", ".join(f"{k * 1000:.0f}" for k in ks))
    for key, label, target in (
        ("contact", "open a contact", 500),
        ("board", "open the board", 300),
        ("deal_move", "move a deal", 300),
        ("agenda", "open the agenda", 500),
        ("dashboard", "open the dashboard", 500),
    ):
        lines.append(f"{label:34}{ms(s[key])}  (target <= {target} ms)")
    lines.append(
        f"peak RSS                          {s['maxrss_kb'] / 1024:,.0f} MB (target < 300)"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("db", help="the SQLite database to open (a copy: a deal gets moved)")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--size", default="120x36", help="COLSxROWS of the terminal")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = p.parse_args(argv)
    cols, rows = (int(v) for v in args.size.lower().split("x"))
    result = measure(args.db, args.runs, (cols, rows))
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
