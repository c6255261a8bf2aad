"""What only PostgreSQL has: backups with pg_dump/pg_restore, and the server-side checks of
`db check` (constraints, orphan rows). The team's roles and policies: `teamsql.py`.

The password of a URL reaches the tools through the environment (`PGPASSWORD`), never their
command line, where any user of the machine could read it (`ps`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

from sqlalchemy import Connection, Engine, text

from termcrm.errors import StoreError

INSTALL_HINT = (
    "install PostgreSQL's client tools (Debian/Ubuntu: apt install postgresql-client; "
    "Fedora: dnf install postgresql; macOS: brew install libpq) and make sure {tool} is on PATH"
)


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise StoreError(f"{name} is not on PATH: " + INSTALL_HINT.format(tool=name))
    return found


def _search_path(engine: Engine) -> str | None:
    """The schema named by `options=-csearch_path=...` in the URL, if any."""
    options = unquote(str(engine.url.query.get("options", "")))
    for part in options.split():
        if part.startswith("-csearch_path="):
            return part.split("=", 1)[1].split(",")[0].strip() or None
    return None


def tool_env(engine: Engine) -> dict[str, str]:
    """libpq's variables for the engine's URL: password included, kept off argv."""
    url = engine.url
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    pairs = {
        "PGHOST": url.host,
        "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username,
        "PGDATABASE": url.database,
        "PGPASSWORD": url.password,
        "PGCONNECT_TIMEOUT": "5",
    }
    env.update({k: v for k, v in pairs.items() if v})
    return env


def _run(args: list[str], engine: Engine, what: str) -> None:
    try:
        done = subprocess.run(args, env=tool_env(engine), capture_output=True, text=True)
    except OSError as exc:
        raise StoreError(f"{what} failed: {exc.strerror or exc}") from exc
    if done.returncode != 0:
        lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
        reason = lines[0] if lines else f"exit status {done.returncode}"
        password = engine.url.password
        if password:
            reason = reason.replace(password, "***")
        raise StoreError(f"{what} failed: {reason}")


def dump(engine: Engine, dest: Path) -> None:
    """`pg_dump` in custom format to a new file of mode 0600."""
    pg_dump = tool("pg_dump")
    dest = dest.expanduser()
    try:
        fd = os.open(dest, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        os.close(fd)
    except FileExistsError as exc:
        raise StoreError(f"{dest} exists already; choose a new file name") from exc
    except OSError as exc:
        raise StoreError(f"Cannot write {dest}: {exc.strerror or exc}") from exc
    args = [pg_dump, "--format=custom", "--no-password", f"--file={dest}"]
    schema = _search_path(engine)
    if schema:
        args.append(f"--schema={schema}")
    try:
        _run(args, engine, "pg_dump")
    except StoreError:
        dest.unlink(missing_ok=True)
        raise
    os.chmod(dest, 0o600)


def restore(engine: Engine, source: Path) -> None:
    """`pg_restore` of a custom-format dump over this database (its tables are replaced).
    Owners and grants are not restored: roles are named after each database, so the caller
    brings the grants of this database up to date afterwards."""
    pg_restore = tool("pg_restore")
    source = source.expanduser()
    if not source.is_file():
        raise StoreError(f"No backup file at {source}")
    args = [
        pg_restore,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        "--no-password",
        f"--dbname={engine.url.database}",
        str(source),
    ]
    _run(args, engine, "pg_restore")


def invalid_constraints(conn: Connection) -> list[str]:
    rows = conn.execute(
        text(
            "SELECT conrelid::regclass::text, conname FROM pg_constraint "
            "WHERE NOT convalidated AND connamespace = current_schema()::regnamespace"
        )
    )
    return [f"constraint {name} on {table} is not valid" for table, name in rows]
