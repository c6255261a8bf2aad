"""Start-up cost stays visible: what each command path imports, checked in a fresh process.

The CLI must not pay for the TUI (textual), `--help` must not pay for the database layer, and
`termcrm remind` (run in every new shell) must not load typer, SQLAlchemy, sqlmodel, rich or
textual at all.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("textual", "typer", "click", "sqlmodel", "sqlalchemy", "alembic", "rich", "pydantic")

#: runs `termcrm.entry.main(argv)` and reports the heavy top-level packages loaded, at exit
DRIVER = """
import atexit, json, sys

def _report():
    loaded = sorted({{m.split(".")[0] for m in sys.modules}} & set(HEAVY))
    sys.stderr.write("\\nHEAVY-MODULES " + json.dumps(loaded) + "\\n")
    sys.stderr.flush()

HEAVY = {heavy!r}
atexit.register(_report)
{body}
"""


def _loaded(tmp_path: Path, body: str, *args: str) -> tuple[set[str], subprocess.CompletedProcess]:
    script = tmp_path / "driver.py"
    script.write_text(DRIVER.format(heavy=HEAVY, body=body), encoding="utf-8")
    r = subprocess.run(
        [sys.executable, str(script), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
    )
    marker = [ln for ln in r.stderr.splitlines() if ln.startswith("HEAVY-MODULES ")]
    assert marker, f"driver did not finish: {r.stderr[-2000:]}"
    return set(json.loads(marker[-1].split(" ", 1)[1])), r


ENTRY = "from termcrm.entry import main\nmain(sys.argv[1:])"


def test_importing_the_cli_does_not_import_textual_or_the_database_layer(tmp_path):
    loaded, _ = _loaded(tmp_path, "import termcrm.cli.app")
    assert "textual" not in loaded
    assert not loaded & {"sqlmodel", "sqlalchemy", "alembic"}, loaded


def test_help_does_not_import_textual_or_the_database_layer(tmp_path):
    loaded, r = _loaded(tmp_path, ENTRY, "--help")
    assert r.returncode == 0, r.stderr
    assert "Usage" in r.stdout
    assert "textual" not in loaded
    assert not loaded & {"sqlmodel", "sqlalchemy", "alembic"}, loaded


@pytest.mark.parametrize(
    "argv",
    [
        ("contact", "list"),
        ("contact", "add", "Ada Lovelace", "--email", "ada@example.com"),
        ("today",),
        ("report",),
        ("task", "list"),
    ],
)
def test_cli_commands_do_not_import_textual(tmp_path, argv):
    loaded, r = _loaded(tmp_path, ENTRY, *argv)
    assert r.returncode == 0, r.stderr
    assert "typer" in loaded  # the driver really ran the CLI
    assert "textual" not in loaded, f"termcrm {' '.join(argv)} imported textual"


def _due_task(db: Path) -> None:
    """A database with something due, so `remind` goes all the way through its query."""
    from termcrm.services.contacts import add_contact
    from termcrm.services.tasks import add_task
    from termcrm.store.engine import open_store

    store = open_store(str(db))
    with store.write() as s:
        ada = add_contact(s, "Ada Lovelace", email="ada@example.com")
        add_task(s, "Call back Ada", due="yesterday", contact=ada)
    store.close()


@pytest.mark.parametrize("state", ["due", "missing"])
def test_remind_imports_no_heavy_library(tmp_path, db_path, state):
    if state == "due":
        _due_task(db_path)
    else:
        db_path.unlink(missing_ok=True)
    loaded, r = _loaded(tmp_path, ENTRY, "remind", "--always")
    assert r.returncode == 0, r.stderr
    assert not loaded, f"termcrm remind imported {sorted(loaded)}"
    if state == "due":
        assert "Call back Ada" in r.stdout or "overdue" in r.stdout.lower(), r.stdout


def test_a_command_loads_only_its_own_cli_module_and_no_postgres_dialect(tmp_path, db_path):
    """`today` on SQLite pays for neither the other commands' modules nor PostgreSQL's."""
    _due_task(db_path)  # an existing, current database: no migration runs
    script = tmp_path / "driver.py"
    script.write_text(
        "import atexit, json, sys\n"
        "def _report():\n"
        "    mods = sorted(m for m in sys.modules if m.startswith(('termcrm.cli.',"
        " 'sqlalchemy.dialects.postgresql')))\n"
        "    sys.stderr.write('\\nMODULES ' + json.dumps(mods) + '\\n')\n"
        "atexit.register(_report)\n" + ENTRY + "\n",
        encoding="utf-8",
    )
    env = {**os.environ, "TERMCRM_DB": str(db_path)}
    r = subprocess.run(
        [sys.executable, str(script), "today"], capture_output=True, text=True, timeout=120, env=env
    )
    assert r.returncode == 0, r.stderr
    marker = [ln for ln in r.stderr.splitlines() if ln.startswith("MODULES ")]
    loaded = set(json.loads(marker[-1].split(" ", 1)[1]))
    assert "termcrm.cli.agenda" in loaded
    assert not loaded & {"termcrm.cli.contacts", "termcrm.cli.deals", "termcrm.cli.io"}, loaded
    assert not any(m.startswith("sqlalchemy.dialects.postgresql") for m in loaded), loaded


def test_an_in_process_caller_keeps_its_garbage_collector():
    """Only the command's own process pauses the collector and freezes the heap at exit."""
    import gc

    from termcrm.entry import main

    frozen = gc.get_freeze_count()
    with pytest.raises(SystemExit):
        main(["--version"])
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen


def test_shell_init_imports_no_heavy_library(tmp_path):
    """`eval "$(termcrm shell-init bash)"` runs in every new shell: the remind fast path."""
    loaded, r = _loaded(tmp_path, ENTRY, "--db", "x y.db", "shell-init", "bash")
    assert r.returncode == 0, r.stderr
    assert "remind" in r.stdout and "--db 'x y.db'" in r.stdout
    assert not loaded, f"termcrm shell-init imported {sorted(loaded)}"


def test_a_tab_imports_no_heavy_library_once_the_command_tree_is_cached(
    tmp_path, db_path, monkeypatch
):
    """Completion runs on every TAB: after the first one (which caches the command tree)
    it answers from the standard library alone."""
    _due_task(db_path)
    monkeypatch.setenv("_TERMCRM_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", "termcrm contact show Ad")
    monkeypatch.setenv("COMP_CWORD", "3")
    body = "from termcrm.entry import main\nmain()"
    _, r = _loaded(tmp_path, body)
    assert r.stdout == "Ada\\ Lovelace\n", r.stderr
    loaded, r = _loaded(tmp_path, body)
    assert r.stdout == "Ada\\ Lovelace\n", r.stderr
    assert not loaded, f"a TAB imported {sorted(loaded)}"
