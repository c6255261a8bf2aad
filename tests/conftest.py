"""Shared fixtures: every test runs on a tmp-path database with a frozen clock.

Nothing here may touch the user's real data: HOME, the XDG dirs and TERMCRM_DB all point
into the test's tmp dir.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

#: Wednesday 18 November 2026, 10:00 in Berlin: "next fri" is the 20th, eom the 30th.
FROZEN_NOW = "2026-11-18T10:00:00+01:00"
TEST_TZ = "Europe/Berlin"


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database at the schema's head, made once for the session."""
    from termcrm.store.engine import open_store

    folder = tmp_path_factory.mktemp("template")
    with pytest.MonkeyPatch.context() as mp:
        for var in ("HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"):
            mp.setenv(var, str(folder))
        open_store(str(folder / "crm.db")).close()
    return folder / "crm.db"


@pytest.fixture(autouse=True)
def crm_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, migrated_db: Path) -> Iterator[Path]:
    """Point termcrm at tmp_path, freeze the clock, fix the time zone and the user.

    `TERMCRM_DB` names a database that exists already (a copy of `migrated_db`), as it is
    for a user's every command but the first: the first one, which creates the file, says
    so on stderr (tests/test_new_database.py), and every other test compares stderr exactly.
    """
    shutil.copy(migrated_db, tmp_path / "crm.db")
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local/state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("TERMCRM_DB", str(tmp_path / "crm.db"))
    monkeypatch.setenv("TERMCRM_NOW", FROZEN_NOW)
    monkeypatch.setenv("TERMCRM_USER", "tester")
    monkeypatch.setenv("TZ", TEST_TZ)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("TERMCRM_DEBUG", raising=False)
    time.tzset()
    yield tmp_path
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def db_path(crm_env: Path) -> Path:
    return crm_env / "crm.db"


@pytest.fixture
def store(db_path: Path):
    """An open, migrated store on the test database."""
    from termcrm.store.engine import open_store

    s = open_store(str(db_path))
    yield s
    s.close()


class Crm:
    """Runs termcrm commands in-process with CliRunner: `crm("contact", "add", "Ada")`."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        from termcrm.cli.app import app

        return self.runner.invoke(app, [str(a) for a in args], input=input)

    def json(self, *args: str):
        result = self(*args, "--json")
        assert result.exit_code == 0, result.stderr or result.stdout
        return json.loads(result.stdout)

    def ok(self, *args: str) -> str:
        result = self(*args)
        assert result.exit_code == 0, result.stderr or result.stdout
        return result.stdout


@pytest.fixture
def crm() -> Crm:
    return Crm()


def termcrm_executable() -> str:
    """The installed console script (next to the running interpreter)."""
    exe = Path(sys.executable).with_name("termcrm")
    return str(exe) if exe.exists() else (shutil.which("termcrm") or "termcrm")


@pytest.fixture
def run_termcrm():
    """Runs the installed `termcrm` as a real process, with the test environment."""

    def _run(*args: str, input: str | None = None, env: dict | None = None):
        return subprocess.run(
            [termcrm_executable(), *map(str, args)],
            capture_output=True,
            text=True,
            input=input,
            env={**os.environ, **(env or {})},
            timeout=60,
        )

    return _run


PG_URL = os.environ.get("TERMCRM_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _plain(url: str) -> str:
    return url.replace("postgresql+psycopg", "postgresql")


def _pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(_plain(PG_URL), connect_timeout=2):
            return True
    except Exception:
        return False


class PgServer:
    """A throwaway database `crm_<hex>` on the test server, and the roles made for it.

    PostgreSQL roles are cluster-wide and other test runs share the server: every database
    and role a test makes carries `hex`, and `drop()` removes exactly those.
    """

    def __init__(self) -> None:
        import uuid

        self.hex = uuid.uuid4().hex[:12]
        self.database = f"crm_{self.hex}"
        import psycopg

        with psycopg.connect(_plain(PG_URL), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.database}"')

    def url(self, login: str | None = None, *, schema: str | None = None) -> str:
        """A URL of this database, as `login` (default: the test server's own login)."""
        from sqlalchemy.engine import make_url

        url = make_url(PG_URL).set(database=self.database)
        if login is not None:
            url = url.set(username=login, password=None)
        text = url.render_as_string(hide_password=False)
        return f"{text}?options=-csearch_path%3D{schema}" if schema else text

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(_plain(PG_URL), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            roles = conn.execute(
                "SELECT rolname FROM pg_roles WHERE strpos(rolname, %s) > 0", (self.hex,)
            ).fetchall()
            for (role,) in roles:
                conn.execute(f'DROP ROLE IF EXISTS "{role}"')


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """This test session's own PostgreSQL database (dropped, with its roles, at the end);
    skipped when no server answers."""
    if not _pg_available():
        pytest.skip(f"no PostgreSQL server answers at {PG_URL.rpartition('@')[2]}")
    server = PgServer()
    yield server
    server.drop()


@pytest.fixture
def pg_db() -> Iterator[PgServer]:
    """A fresh throwaway database of the test's own (for tests of roles and permissions)."""
    if not _pg_available():
        pytest.skip(f"no PostgreSQL server answers at {PG_URL.rpartition('@')[2]}")
    server = PgServer()
    yield server
    server.drop()


@pytest.fixture
def pg_url(pg_server: PgServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A PostgreSQL URL on a fresh schema of its own in the session's throwaway database;
    skipped when no server answers. The acting user is the login (owners are team members
    on PostgreSQL, and the test login is the database's owner)."""
    import uuid

    import psycopg

    monkeypatch.delenv("TERMCRM_USER", raising=False)

    schema = f"t_{uuid.uuid4().hex[:12]}"
    plain = _plain(pg_server.url())
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    yield pg_server.url(schema=schema)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


# -- the TUI's tests ---------------------------------------------------------------------------


@pytest.fixture
def ids(store) -> dict[str, int]:
    """The small seeded data set of `tui_helpers.seed`: the ids of its records."""
    from tui_helpers import seed

    return seed(store)


@pytest.fixture
def app(db_path, ids):
    """The TUI on the seeded database, without timed reloads."""
    from termcrm.tui.app import CrmApp

    return CrmApp(db_target=str(db_path), refresh_every=None)


@pytest.fixture
def pages():
    """The contacts pages the app shows: `app.run_test(message_hook=pages)`."""
    from tui_helpers import Pages

    return Pages()
