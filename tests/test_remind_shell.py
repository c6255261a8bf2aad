"""`termcrm shell-init`: the snippet, run for real in new interactive shells.

The snippet calls termcrm by the absolute path of the executable that printed it, so it works
where termcrm's virtual environment is not on the PATH, and it is silent once that file is
gone. zsh and fish run when installed and are skipped otherwise.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import termcrm_executable

REMINDER = [
    "termcrm: 1 overdue · run `termcrm today`",
    "  ! Call back (Zoë Ölstad): 2 days late",
]


@pytest.fixture
def due(crm):
    crm.ok("contact", "add", "Zoë Ölstad")
    crm.ok("task", "add", "Call back", "--contact", "Zoë", "--due", "2026-11-16")


def _shell(cmd: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        env=env,
        cwd=env["HOME"],
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def _env(**extra: str) -> dict:
    """A shell environment whose PATH does not hold termcrm's virtual environment."""
    return {**os.environ, "PATH": "/usr/local/bin:/usr/bin:/bin", "PS1": "$ ", **extra}


def _own_copy(tmp_path: Path) -> Path:
    """A copy of the console script in a directory of its own (a throwaway install)."""
    bindir = tmp_path / "gone" / "bin"
    bindir.mkdir(parents=True)
    copy = bindir / "termcrm"
    shutil.copy2(termcrm_executable(), copy)
    return copy


def _fallback(snippet: str) -> str:
    """The snippet's own `remind` command (what a shell other than shell-init's runs)."""
    (line,) = [ln for ln in snippet.splitlines() if ln.endswith(" 2>/dev/null || true")]
    return line.strip().removesuffix(" 2>/dev/null || true")


def _fast(exe: str) -> str:
    """The snippet's remind command for the console script `exe` (see shellinit.fast_remind)."""
    import sys

    src = str(Path(__file__).resolve().parents[1] / "src")
    return f'{sys.executable} -S -c \'import sys;sys.argv[0]="{exe}";sys.path[:0]=["{src}",'


def test_the_snippet_checks_the_printing_executable_by_its_absolute_path(run_termcrm):
    exe = termcrm_executable()
    r = run_termcrm("shell-init", "bash")
    assert r.returncode == 0 and r.stderr == ""
    lines = r.stdout.splitlines()
    assert lines[1] == f"if [[ $- == *i* && -x {exe} ]]; then"
    # nothing is due: the shell that ran shell-init (its parent, here pytest) shows nothing
    assert lines[2].startswith(f"  if [[ $$ == {os.getpid()} ]]; then") and lines[3] == "    :"
    assert lines[4].startswith("  else") and lines[5].startswith("    " + _fast(exe))
    assert lines[5].endswith(
        "from termcrm.remind import main;sys.exit(main())' remind 2>/dev/null || true"
    )
    assert lines[6:] == ["  fi", "fi"]
    zsh = run_termcrm("shell-init", "zsh").stdout
    assert f"[[ -o interactive && -x {exe} ]]" in zsh and "' remind 2>/dev/null || true" in zsh
    fish = run_termcrm("shell-init", "FISH").stdout
    assert f"status is-interactive; and test -x {exe}" in fish


def test_the_fast_remind_prints_what_termcrm_remind_prints(due, run_termcrm):
    """The snippet's `python -S` command is `termcrm remind` itself, only started faster."""
    r = run_termcrm("shell-init", "bash")
    command = _fallback(r.stdout)
    fast = subprocess.run(["bash", "-c", f"{command} --always"], capture_output=True, text=True)
    slow = run_termcrm("remind", "--always")
    assert (fast.returncode, fast.stderr) == (0, "")
    assert fast.stdout == slow.stdout == "\n".join(REMINDER) + "\n"


def test_a_path_with_spaces_and_quotes_stays_one_word(tmp_path, run_termcrm):
    odd = tmp_path / 'it\'s a "dir"' / "bin"
    odd.mkdir(parents=True)
    exe = odd / "termcrm"
    shutil.copy2(termcrm_executable(), exe)
    db = tmp_path / "my crm.db"
    run_termcrm("--db", db, "contact", "add", "Zoë Ölstad")
    run_termcrm("--db", db, "task", "add", "Call back", "--contact", "Zoë", "--due", "2026-11-16")
    r = subprocess.run([str(exe), "--db", db, "shell-init", "bash"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    quoted = "'" + str(exe).replace("'", "'\\''") + "'"
    assert r.stdout.splitlines()[1] == f"if [[ $- == *i* && -x {quoted} ]]; then"
    command = _fallback(r.stdout)
    assert command.endswith(f" remind --db '{db}'")
    # the shell hands python the code as one word, and python reads the odd path back whole
    # (the reminder names the command by its file name)
    ran = subprocess.run(["bash", "-c", f"{command} --always"], capture_output=True, text=True)
    assert (ran.returncode, ran.stderr) == (0, "")
    assert ran.stdout.splitlines()[0] == "termcrm: 1 overdue · run `termcrm today`"


def test_in_process_the_snippet_runs_this_python(crm):
    """Without a console script (`python -m termcrm`, CliRunner) it checks the interpreter."""
    import sys

    text = crm.ok("shell-init", "bash")
    assert f"-x {sys.executable} ]]" in text and f"{sys.executable} -S -c " in text


def test_unknown_or_missing_shell_is_a_usage_error(crm, run_termcrm):
    r = crm("shell-init", "tcsh")
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == "Error: Unknown shell 'tcsh'; supported: bash, zsh, fish\n"
    fast = run_termcrm("shell-init", "tcsh")  # the console script's fast path says the same
    assert (fast.returncode, fast.stdout, fast.stderr) == (2, "", r.stderr)
    missing = run_termcrm("shell-init")
    assert missing.returncode == 2 and missing.stderr.startswith("Error: Missing argument")


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_bash_reminds_without_the_venv_on_the_path_and_once_a_day(due, tmp_path):
    exe = _own_copy(tmp_path)
    home = Path(os.environ["HOME"])
    (home / ".bashrc").write_text(f'eval "$({exe} shell-init bash)"\n')
    env = _env()

    first = _shell(["bash", "-i", "-c", "echo shell-ok"], env)
    assert first.returncode == 0
    assert first.stdout.splitlines() == [*REMINDER, "shell-ok"]
    assert "termcrm" not in first.stderr  # no "command not found"
    again = _shell(["bash", "-i", "-c", "echo shell-ok"], env)
    assert again.stdout == "shell-ok\n"
    # a non-interactive shell never reminds
    assert _shell(["bash", "-c", f"source {home / '.bashrc'}; echo ok"], env).stdout == "ok\n"


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_bash_is_silent_when_termcrm_is_gone_or_the_database_broken(due, tmp_path):
    exe = _own_copy(tmp_path)
    home = Path(os.environ["HOME"])
    (home / ".bashrc").write_text(
        subprocess.check_output([str(exe), "shell-init", "bash"], text=True)
    )
    (tmp_path / "broken.db").write_text("garbage")
    broken = _shell(
        ["bash", "-i", "-c", "echo shell-ok"], _env(TERMCRM_DB=str(tmp_path / "broken.db"))
    )
    assert broken.returncode == 0 and broken.stdout == "shell-ok\n"

    exe.unlink()  # the virtual environment was removed
    gone = _shell(["bash", "-i", "-c", "echo shell-ok"], _env())
    assert gone.returncode == 0 and gone.stdout == "shell-ok\n"
    assert "termcrm" not in gone.stderr and "not found" not in gone.stderr


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_the_readme_line_that_checks_for_termcrm_first(due, tmp_path):
    exe = _own_copy(tmp_path)
    home = Path(os.environ["HOME"])
    (home / ".bashrc").write_text(
        'command -v termcrm >/dev/null && eval "$(termcrm shell-init bash)"\n'
    )
    without = _shell(["bash", "-i", "-c", "echo shell-ok"], _env())
    assert without.returncode == 0 and without.stdout == "shell-ok\n"
    assert without.stderr.count("termcrm") == 0
    with_it = _shell(
        ["bash", "-i", "-c", "echo shell-ok"], _env(PATH=f"{exe.parent}:/usr/bin:/bin")
    )
    assert with_it.stdout.splitlines() == [*REMINDER, "shell-ok"]


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_reminds_and_is_silent_when_termcrm_is_gone(due, tmp_path):
    exe = _own_copy(tmp_path)
    home = Path(os.environ["HOME"])
    (home / ".zshrc").write_text(f'eval "$({exe} shell-init zsh)"\n')
    env = _env(ZDOTDIR=str(home))
    first = _shell(["zsh", "-i", "-c", "echo shell-ok"], env)
    assert first.returncode == 0 and first.stdout.splitlines() == [*REMINDER, "shell-ok"]
    (home / ".zshrc").write_text(
        subprocess.check_output([str(exe), "shell-init", "zsh"], text=True)
    )
    exe.unlink()
    gone = _shell(["zsh", "-i", "-c", "echo shell-ok"], env)
    assert gone.returncode == 0 and gone.stdout == "shell-ok\n"


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_reminds_and_is_silent_when_termcrm_is_gone(due, tmp_path):
    exe = _own_copy(tmp_path)
    home = Path(os.environ["HOME"])
    config = home / ".config" / "fish" / "config.fish"
    config.parent.mkdir(parents=True)
    config.write_text(f"{exe} shell-init fish | source\n")
    first = _shell(["fish", "-i", "-c", "echo shell-ok"], _env())
    assert first.returncode == 0 and first.stdout.splitlines() == [*REMINDER, "shell-ok"]
    config.write_text(subprocess.check_output([str(exe), "shell-init", "fish"], text=True))
    exe.unlink()
    gone = _shell(["fish", "-i", "-c", "echo shell-ok"], _env())
    assert gone.returncode == 0 and gone.stdout == "shell-ok\n"


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_bash_shows_what_shell_init_read_without_a_second_python(due, tmp_path, db_path):
    """In the shell that ran shell-init, the snippet prints what shell-init read: it still
    does with the database gone by then (a second `remind` would have found nothing), and
    it sets the day's stamp; in any other shell the same text asks termcrm again."""
    exe = _own_copy(tmp_path)
    db = tmp_path / "own.db"
    shutil.copy2(db_path, db)
    script = f'out=$({exe} --db {db} shell-init bash); rm {db}; eval "$out"; echo shell-ok'
    (Path(os.environ["HOME"]) / ".bashrc").write_text("")
    first = _shell(["bash", "-i", "-c", script], _env())
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [*REMINDER, "shell-ok"]
    assert "termcrm" not in first.stderr
    shutil.copy2(db_path, db)
    again = _shell(["bash", "-i", "-c", script.replace(f"; rm {db}", "")], _env())
    assert again.stdout == "shell-ok\n"  # shown once a day: the snippet set the stamp
    # a copy kept for another shell: that one asks termcrm (no database now: nothing)
    other_db = tmp_path / "other.db"
    shutil.copy2(db_path, other_db)
    saved = subprocess.check_output(
        [str(exe), "--db", str(other_db), "shell-init", "bash"], text=True
    )
    assert REMINDER[1] in saved  # read for pytest's process, which is no shell
    (tmp_path / "saved.bash").write_text(saved)
    other_db.unlink()
    other = _shell(["bash", "-i", "-c", f"source {tmp_path / 'saved.bash'}; echo ok"], _env())
    assert other.stdout == "ok\n"


def test_shell_init_alone_uses_up_nothing(due, run_termcrm):
    """`termcrm shell-init bash | less` shows the snippet with the reminder in it; only a
    shell evaluating it sets the stamp, so the next shell still reminds."""
    r = run_termcrm("shell-init", "bash")
    assert r.returncode == 0 and all(line in r.stdout for line in REMINDER)
    again = run_termcrm("remind")
    assert again.stdout.splitlines() == REMINDER


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_bash_prints_hostile_stored_text_and_runs_none_of_it(crm, tmp_path):
    """Names and titles go into the snippet as text: quotes, `$(...)`, backquotes and escape
    sequences are shown (neutralised), never run."""
    crm.ok("contact", "add", "O'Brien $HOME `touch b1`")
    crm.ok(
        "task", "add", "'; touch a1; '$(touch a2)\x1b]0;PWNED\x07",
        "--contact", "O'Brien", "--due", "2026-11-16",
    )  # fmt: skip
    exe = _own_copy(tmp_path)
    home = Path(os.environ["HOME"])
    (home / ".bashrc").write_text(f'eval "$({exe} shell-init bash)"\n')
    r = _shell(["bash", "-i", "-c", "echo shell-ok"], _env())
    assert r.returncode == 0, r.stderr
    shown = r.stdout.splitlines()
    assert shown[0] == "termcrm: 1 overdue · run `termcrm today`"
    assert shown[1].startswith("  ! '; touch a1; '$(touch a2)␛]0;PWNED␇ (O'Brien $HOME `touch")
    assert shown[2] == "shell-ok" and "\x1b" not in r.stdout
    assert not [p for p in home.rglob("*") if p.name in ("a1", "a2", "b1")]


def test_a_snippet_written_to_a_file_holds_no_reminder(due, tmp_path):
    """`termcrm shell-init bash >> ~/.bashrc` keeps the snippet: it runs `remind` in each new
    shell and holds none of today's names and titles."""
    kept = tmp_path / "bashrc"
    with kept.open("w") as out:
        subprocess.run([termcrm_executable(), "shell-init", "bash"], stdout=out, check=True)
    text = kept.read_text()
    assert "Zoë" not in text and "$$" not in text
    assert _fallback(text).endswith("remind")
