"""`termcrm shell-init`: the snippet, run for real in an interactive bash."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import termcrm_executable


def test_snippets_for_each_shell(crm):
    bash = crm.ok("shell-init", "bash")
    assert "[[ $- == *i* ]]" in bash and "termcrm remind 2>/dev/null || true" in bash
    zsh = crm.ok("shell-init", "zsh")
    assert "[[ -o interactive ]]" in zsh and "termcrm remind 2>/dev/null" in zsh
    fish = crm.ok("shell-init", "FISH")
    assert "status is-interactive" in fish and "termcrm remind 2>/dev/null" in fish


def test_unknown_shell_lists_the_supported_ones(crm):
    r = crm("shell-init", "tcsh")
    assert r.exit_code == 2
    assert r.stderr == "Error: Unknown shell 'tcsh'; supported: bash, zsh, fish\n"
    assert r.stdout == ""


def _bash(home: Path, *args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=home,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_bash_snippet_reminds_in_a_real_interactive_shell(crm, tmp_path):
    crm.ok("contact", "add", "Grace Hopper")
    crm.ok("task", "add", "Call back", "--contact", "grace", "--due", "2026-11-16")
    home = Path(os.environ["HOME"])
    snippet = crm.ok("shell-init", "bash")
    (home / ".bashrc").write_text(snippet)
    bindir = str(Path(termcrm_executable()).parent)
    env = {**os.environ, "PATH": f"{bindir}:/usr/bin:/bin", "PS1": "$ "}

    first = _bash(home, "-i", "-c", "echo shell-ok", env=env)
    assert first.returncode == 0
    assert first.stdout.splitlines() == [
        "termcrm: 1 overdue · run `termcrm today`",
        "  ! Call back (Grace Hopper): 2 days late",
        "shell-ok",
    ]
    # once a day: the next shell starts quietly
    again = _bash(home, "-i", "-c", "echo shell-ok", env=env)
    assert again.stdout == "shell-ok\n"
    # a non-interactive shell never reminds, and a broken database never breaks the shell
    assert _bash(home, "-c", f"source {home / '.bashrc'}; echo ok", env=env).stdout == "ok\n"
    (tmp_path / "broken.db").write_text("garbage")
    broken = _bash(
        home, "-i", "-c", "echo shell-ok", env={**env, "TERMCRM_DB": str(tmp_path / "broken.db")}
    )
    assert broken.returncode == 0 and broken.stdout == "shell-ok\n"
    # without termcrm on the PATH the snippet does nothing
    gone = _bash(home, "-i", "-c", "echo shell-ok", env={**env, "PATH": "/usr/bin:/bin"})
    assert gone.returncode == 0 and gone.stdout == "shell-ok\n"
