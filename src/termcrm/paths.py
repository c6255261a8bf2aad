"""Where termcrm keeps its data: one place for platformdirs and `TERMCRM_DB`.

Importing this module is cheap (no SQLAlchemy): the `remind` fast path uses it.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path

APP_NAME = "termcrm"
DB_ENV = "TERMCRM_DB"
USER_ENV = "TERMCRM_USER"


def data_dir() -> Path:
    import platformdirs

    return platformdirs.user_data_path(APP_NAME)


def state_dir() -> Path:
    """Small files that are not data (the `remind` stamp)."""
    import platformdirs

    return platformdirs.user_state_path(APP_NAME)


def default_db_path() -> Path:
    return data_dir() / "termcrm.db"


def db_target(explicit: str | None = None) -> str:
    """The database the user asked for: `--db`, else `TERMCRM_DB`, else the default file."""
    return explicit or os.environ.get(DB_ENV) or str(default_db_path())


def is_url(target: str) -> bool:
    return "://" in target


def sqlite_path(target: str) -> Path | None:
    """The file behind a target, or None for a server database or an in-memory one."""
    if not is_url(target):
        return Path(target).expanduser()
    if target.startswith("sqlite:///"):
        rest = target[len("sqlite:///") :].split("?", 1)[0]
        if not rest or rest == ":memory:":
            return None
        return Path(rest).expanduser()
    return None


def to_url(target: str) -> str:
    """A SQLAlchemy URL for a target that may be a plain file path."""
    if is_url(target):
        return target
    return f"sqlite:///{Path(target).expanduser()}"


def current_user(explicit: str | None = None) -> str:
    """The team member acting: `--user`, else `TERMCRM_USER`, else the OS login name."""
    if explicit:
        return explicit
    env = os.environ.get(USER_ENV)
    if env:
        return env
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "me"


def redact_url(target: str) -> str:
    """A target safe to print: any password in a URL is masked."""
    if not is_url(target):
        return target
    scheme, _, rest = target.partition("://")
    if "@" not in rest:
        return target
    creds, _, host = rest.rpartition("@")
    if ":" in creds:
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return target


#: where the kernel lists what is mounted (a test points it elsewhere)
MOUNTS = "/proc/mounts"
#: filesystem types on which SQLite's locking cannot be relied on
_NETWORK = ("nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "sshfs", "9p", "afs", "ceph")


def network_filesystem(path: Path) -> str | None:
    """The type of the network filesystem (nfs, cifs/smb, sshfs, fuse) `path` is on, None
    for a local one or when the mounts cannot be read."""
    try:
        with open(MOUNTS, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return None
    path = path.expanduser()
    where = os.path.realpath(path if path.exists() else path.parent)
    best, kind = "", None
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        inside = where == point or where.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, parts[2]
    if kind is None:
        return None
    base = kind.split(".", 1)[0]
    if kind in _NETWORK or kind.startswith("fuse.") or kind == "fuse" or base in _NETWORK:
        return kind
    return None
