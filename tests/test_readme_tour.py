"""The README's quick tour runs as written: after "Try it" (on the demo data) and on an empty
database, every command exits 0 and prints no error.

The tour is every `sh` block that follows a `<!-- tour -->` line in README.md, so the test
runs whatever commands the README holds. The blocks run in order in one bash, as a reader
pastes them (shell variables such as `deal=$(crm deal add ... -q)` carry over), with the
installed `termcrm`/`crm` console scripts on the PATH.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import termcrm_executable

README = Path(__file__).resolve().parents[1] / "README.md"
MARK = "<!-- tour -->"


def tour_commands(text: str) -> list[str]:
    """The command lines of the tour blocks, in order (blank lines and comments dropped)."""
    commands: list[str] = []
    for block in re.findall(rf"{re.escape(MARK)}\s*\n```sh\n(.*?)\n```", text, re.S):
        for line in block.splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                commands.append(line)
    return commands


def test_the_readme_has_a_tour():
    commands = tour_commands(README.read_text(encoding="utf-8"))
    assert len(commands) >= 10, commands
    assert all(c.startswith(("crm ", "termcrm ")) or "=$(crm " in c for c in commands)


def _run_tour(tmp_path: Path, *, demo: bool) -> tuple[list[tuple[str, int]], str]:
    commands = tour_commands(README.read_text(encoding="utf-8"))
    status = tmp_path / "status"
    lines = ["set -u"]
    for i, command in enumerate(commands):
        lines += [command, f'echo "{i} $?" >> {status}']
    script = tmp_path / "tour.sh"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    bindir = str(Path(termcrm_executable()).parent)
    env = {**os.environ, "PATH": f"{bindir}:/usr/bin:/bin", "TERMCRM_DB": str(tmp_path / "t.db")}
    if demo:  # the "Try it" command, without the full-screen app at its end
        done = subprocess.run(["termcrm", "demo"], env=env, capture_output=True, text=True,
                              timeout=300)  # fmt: skip
        assert done.returncode == 0, done.stderr
    r = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True,
                       timeout=600, stdin=subprocess.DEVNULL)  # fmt: skip
    codes = [int(line.split()[1]) for line in status.read_text().splitlines()]
    return list(zip(commands, codes, strict=True)), r.stderr


def _check(env_db: Path) -> dict:
    r = subprocess.run(
        [termcrm_executable(), "--db", str(env_db), "today", "--json"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
@pytest.mark.parametrize("demo", [True, False], ids=["after-try-it", "empty-database"])
def test_every_tour_command_exits_0(tmp_path, demo):
    results, stderr = _run_tour(tmp_path, demo=demo)
    failed = [(command, code) for command, code in results if code != 0]
    assert not failed, f"{failed}\n{stderr}"
    assert "Error:" not in stderr, stderr
    assert "Traceback" not in stderr, stderr
    _check(tmp_path / "t.db")  # the database is sound afterwards
