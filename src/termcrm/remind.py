"""`termcrm remind`: the shell start-up reminder, on the fast path.

Runs in every new interactive shell (see `termcrm shell-init`), so it must cost about what
Python itself costs and must never get in the way:

- It imports only the standard library (sqlite3, no typer, SQLAlchemy, rich or platformdirs)
  and opens the database read-only (`file:...?mode=ro`) with a short busy timeout.
- It prints at most 3 short lines, and nothing at all when nothing is due.
- At most once per day per user and database (a stamp file in the platformdirs state dir),
  unless `--always`. Only a reminder actually shown sets the stamp.
- A missing, locked or corrupt database, a schema revision other than this termcrm's, an
  unreachable server, or any error at all: it prints nothing and exits 0.
  `--debug` says why on stderr.
- On PostgreSQL (a team's CRM) `remind_pg` reads the login's tasks through libpq.

It shows the acting user's tasks (`--user`, `TERMCRM_USER`, the login name) plus unowned
ones, and honours `TERMCRM_NOW`. What "overdue" and "due today" mean is the rule of
`termcrm.services.tasks`, restated here in SQL over the stored text: SQLite keeps datetimes as
naive UTC text `YYYY-MM-DD HH:MM:SS[.ffffff]`, so the bounds are formatted the same way and
compared as text, which lets every query use the `ix_tasks_open_due` index.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime, time, timedelta, timezone

APP = "termcrm"
USAGE = """Usage: termcrm remind [--always] [--debug]

  A short reminder of overdue tasks and tasks due today, for shell start-up.
  Prints nothing when nothing is due; at most once a day unless --always.

  Example: crm remind --always
"""
#: counting stops here ("100+ overdue"): a shell greeting needs no exact backlog size
COUNT_CAP = 100
#: how long to wait for a database another program is writing to, in milliseconds
BUSY_MS = 100
#: no reminder line is longer than this
WIDTH = 80
_UTC = timezone.utc  # noqa: UP017  (datetime.UTC would be the same object)


class Quiet(Exception):
    """A reason to print nothing (shown with --debug)."""


# -- options ------------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> dict:
    opts = {"always": False, "debug": False, "db": None, "user": None, "help": False}
    it = iter(argv)
    for arg in it:
        if arg in ("--always", "-a"):
            opts["always"] = True
        elif arg == "--debug":
            opts["debug"] = True
        elif arg in ("-h", "--help"):
            opts["help"] = True
        elif arg in ("--db", "--user"):
            opts[arg[2:]] = next(it, None)
        elif arg.startswith(("--db=", "--user=")):
            key, _, value = arg[2:].partition("=")
            opts[key] = value
    return opts


# -- where things are (consistent with termcrm.paths, without importing platformdirs) ---------


def _xdg(var: str, fallback: str) -> str:
    value = os.environ.get(var, "")
    return value if os.path.isabs(value) else os.path.expanduser(fallback)


def data_dir() -> str:
    if sys.platform.startswith("linux"):
        return os.path.join(_xdg("XDG_DATA_HOME", "~/.local/share"), APP)
    from termcrm import paths

    return str(paths.data_dir())


def state_dir() -> str:
    if sys.platform.startswith("linux"):
        return os.path.join(_xdg("XDG_STATE_HOME", "~/.local/state"), APP)
    from termcrm import paths

    return str(paths.state_dir())


def db_file(explicit: str | None) -> str:
    target = explicit or os.environ.get("TERMCRM_DB") or os.path.join(data_dir(), "termcrm.db")
    if "://" in target:
        if not target.startswith("sqlite:///"):
            raise Quiet(
                "remind reads SQLite files and PostgreSQL; for this database run `crm today`"
            )
        target = target[len("sqlite:///") :].split("?", 1)[0]
        if not target or target == ":memory:":
            raise Quiet("an in-memory database has no tasks")
    return os.path.expanduser(target)


def current_user(explicit: str | None) -> str:
    if explicit:
        return explicit
    for var in ("TERMCRM_USER", "LOGNAME", "USER", "LNAME", "USERNAME"):
        if os.environ.get(var):
            return os.environ[var]
    try:
        import pwd

        return pwd.getpwuid(os.getuid())[0]
    except Exception:
        return "me"


# -- the clock (as termcrm.dates.now, without importing it) -------------------------------------


def now() -> datetime:
    frozen = os.environ.get("TERMCRM_NOW")
    if frozen:
        dt = datetime.fromisoformat(frozen.strip())
        return (dt.astimezone() if dt.tzinfo is None else dt).astimezone(_UTC)
    return datetime.now(_UTC)


def sql_time(dt: datetime) -> str:
    """An aware datetime as SQLite stores it: naive UTC text."""
    text = dt.astimezone(_UTC).strftime("%Y-%m-%d %H:%M:%S")
    return text + (f".{dt.microsecond:06d}" if dt.microsecond else "")


def local_midnight(day) -> datetime:
    return datetime.combine(day, time()).astimezone().astimezone(_UTC)


# -- the once-a-day stamp -----------------------------------------------------------------------


def stamp_path(user: str, db: str) -> str:
    import zlib

    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in user)[:64]
    where = db if "://" in db else os.path.abspath(db)
    key = zlib.crc32(where.encode("utf-8", "surrogateescape"))
    return os.path.join(state_dir(), f"remind-{safe}-{key:08x}.stamp")


def already_shown(path: str, today: str) -> bool:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read().strip() == today
    except OSError:
        return False


def private_dirs(folder: str) -> None:
    """`folder` and its missing parents, each 0700 whatever the umask (as the store's)."""
    missing = []
    while folder and not os.path.isdir(folder):
        missing.append(folder)
        folder = os.path.dirname(folder)
    for made in reversed(missing):
        os.makedirs(made, mode=0o700, exist_ok=True)
        os.chmod(made, 0o700)


def write_stamp(path: str, today: str) -> None:
    try:
        private_dirs(os.path.dirname(path))
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(today + "\n")
        os.replace(tmp, path)
    except OSError:
        pass  # no stamp: the worst case is one more reminder


# -- the queries ----------------------------------------------------------------------------------


#: open and the user's or nobody's; {mine} is the user's stored spellings (see `spellings`)
_OPEN_MINE = "done_at IS NULL AND (owner IS NULL OR owner IN ({mine}))"
_OVERDUE = "{open} AND due_at < :now AND (due_at < :day_start OR due_has_time = 1)"
_TODAY = (
    "{open} AND due_at >= :day_start AND due_at < :day_end AND (due_has_time = 0 OR due_at >= :now)"
)
#: the distinct task owners, skipping through `ix_tasks_owner` (`services.owners.LOOSE_SCAN`)
_OWNERS = (
    "WITH RECURSIVE o(v) AS ("
    "SELECT min(owner) FROM tasks "
    "UNION ALL SELECT (SELECT min(owner) FROM tasks WHERE owner > o.v) "
    "FROM o WHERE o.v IS NOT NULL"
    ") SELECT v FROM o WHERE v IS NOT NULL"
)


def spellings(conn, user: str) -> list[str]:
    """The stored task owners that are `user` by `textfold.fold` (the rule of
    `services.owners`: "Ünal" is "ünal", which SQLite's `lower()` does not know)."""
    from termcrm.textfold import fold

    key = fold(user)
    return [v for (v,) in conn.execute(_OWNERS) if fold(v) == key]


def _connect(path: str):
    if not os.path.isfile(path):
        raise Quiet(f"no database at {path}")
    import sqlite3

    quoted = path.replace("%", "%25").replace("?", "%3f").replace("#", "%23")
    conn = sqlite3.connect(f"file:{quoted}?mode=ro", uri=True, timeout=BUSY_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout={BUSY_MS}")
    return conn


def _check_schema(conn) -> None:
    from termcrm.store.revision import HEAD

    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except Exception as exc:
        raise Quiet(f"not a termcrm database ({exc})") from exc
    if row is None or row[0] != HEAD:
        found = row[0] if row else "none"
        raise Quiet(f"schema revision {found}, this termcrm reads {HEAD}; run `crm db upgrade`")


def gather(conn, user: str, current: datetime) -> dict:
    """Counts and the first few tasks to name, straight from SQLite."""
    today = current.astimezone().date()
    mine = spellings(conn, user)
    params = {
        **{f"o{i}": name for i, name in enumerate(mine)},
        "now": sql_time(current),
        "day_start": sql_time(local_midnight(today)),
        "day_end": sql_time(local_midnight(today + timedelta(days=1))),
    }

    open_mine = _OPEN_MINE.format(mine=", ".join(f":o{i}" for i in range(len(mine))))
    overdue_where = _OVERDUE.format(open=open_mine)
    today_where = _TODAY.format(open=open_mine)

    def count(where: str) -> int:
        sql = f"SELECT count(*) FROM (SELECT 1 FROM tasks WHERE {where} LIMIT {COUNT_CAP})"
        return conn.execute(sql, params).fetchone()[0]

    def first(where: str, n: int) -> list[tuple]:
        sql = (
            "SELECT t.title, t.due_at, t.due_has_time, c.name FROM tasks t "
            "LEFT JOIN contacts c ON c.id = t.contact_id "
            f"WHERE t.id IN (SELECT id FROM tasks WHERE {where} ORDER BY due_at, id LIMIT {n}) "
            "ORDER BY t.due_at, t.id"
        )
        return conn.execute(sql, params).fetchall()

    overdue, due_today = count(overdue_where), count(today_where)
    items = [("late", *r) for r in first(overdue_where, 2)] if overdue else []
    if len(items) < 2 and due_today:
        items += [("today", *r) for r in first(today_where, 2 - len(items))]
    return {"overdue": overdue, "due_today": due_today, "items": items, "now": current}


# -- the words ----------------------------------------------------------------------------------


def _stored(text: str) -> datetime:
    return datetime.fromisoformat(str(text)).replace(tzinfo=_UTC)


def _late(due: datetime, has_time: bool, current: datetime) -> str:
    days = (current.astimezone().date() - due.astimezone().date()).days
    if days >= 1:
        return f"{days} day{'s' if days != 1 else ''} late"
    minutes = int((current - due).total_seconds() // 60)
    if minutes >= 60:
        return f"{minutes // 60} hour{'s' if minutes >= 120 else ''} late"
    return f"{max(minutes, 1)} min late"


def _n(count: int) -> str:
    return f"{COUNT_CAP}+" if count >= COUNT_CAP else str(count)


#: C0 controls and DEL as control pictures (ESC as ␛), C1 as `\x9b`, the bidi overrides and
#: isolates as `\u202e`, newline and tab a space
_NEUTRAL = {
    code: chr(0x2400 + code) if code < 0x20 else "␡" if code == 0x7F else f"\\x{code:02x}"
    for code in (*range(0x20), 0x7F, *range(0x80, 0xA0))
} | {code: f"\\u{code:04x}" for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_NEUTRAL |= {0x0A: " ", 0x09: " "}


def neutral(text: str) -> str:
    """Stored text that cannot drive the terminal: a task titled `Pay \\e]52;c;...\\a` must not
    write the clipboard in every new shell. The one-line rule of `termcrm.render.safe.clean`,
    restated without its imports; `tests/test_render_safe.py` keeps the two equal."""
    if text.isprintable():
        return text
    return text.replace("\r\n", "\n").translate(_NEUTRAL)


def _clip(text: str, width: int) -> str:
    text = " ".join(neutral(str(text)).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def compose(found: dict, prog: str = "crm") -> list[str]:
    """At most 3 lines; none when nothing is due."""
    overdue, due_today = found["overdue"], found["due_today"]
    if not overdue and not due_today:
        return []
    parts = []
    if overdue:
        parts.append(f"{_n(overdue)} overdue")
    if due_today:
        parts.append(f"{_n(due_today)} due today")
    lines = [f"termcrm: {', '.join(parts)} · run `{prog} today`"]
    for kind, title, due_at, has_time, contact in found["items"][:2]:
        due = _stored(due_at)
        if kind == "late":
            mark, when = "!", _late(due, bool(has_time), found["now"])
        else:
            mark, when = "•", due.astimezone().strftime("%H:%M") if has_time else "today"
        room = WIDTH - len(f"  {mark} : {when}")
        label = _clip(title, room)
        if contact and len(label) + 4 < room:
            label += f" ({_clip(contact, room - len(label) - 3)})"
        lines.append(f"  {mark} {label}: {when}")
    return lines[:3]


# -- entry points -------------------------------------------------------------------------------


def reminder(
    *, db: str | None = None, user: str | None = None, always: bool = False, stamp: bool = True
) -> list[str]:
    """The lines to print (maybe none), the day's stamp set when `stamp`. Raises `Quiet` (or
    anything) when there is nothing."""
    due = due_now(db=db, user=user, always=always)
    if stamp:
        write_stamp(due.stamp, due.today)
    return due.lines


class Due:
    """The reminder to show now (`lines`), and the stamp (`stamp`: its path; `today`: what it
    holds) that says it has been shown today, to set once it has been."""

    __slots__ = ("lines", "stamp", "today")

    def __init__(self, lines: list[str], stamp: str, today: str) -> None:
        self.lines, self.stamp, self.today = lines, stamp, today


def due_now(*, db: str | None = None, user: str | None = None, always: bool = False) -> Due:
    """What `reminder` prints, without setting the stamp. Raises `Quiet` (or anything) when
    there is nothing to print."""
    from termcrm import remind_pg  # a team's CRM on PostgreSQL (the login is who)

    server = remind_pg.conninfo(db or os.environ.get("TERMCRM_DB") or "")
    path = db_file(db) if server is None else remind_pg.place(server)
    who = current_user(user) if server is None else (remind_pg.login(server) or current_user(None))
    current = now()
    today = current.astimezone().date().isoformat()
    marker = stamp_path(who, path)
    if not always and already_shown(marker, today):
        raise Quiet(f"already reminded today (stamp {marker}); --always shows it again")
    if server is not None:
        from termcrm.store.revision import HEAD

        found = remind_pg.gather(
            server, current, head=HEAD, cap=COUNT_CAP, local_midnight=local_midnight
        )
    else:
        conn = _connect(path)
        try:
            _check_schema(conn)
            found = gather(conn, who, current)
        finally:
            conn.close()
    prog = os.path.basename(sys.argv[0] or "")
    lines = compose(found, "termcrm" if prog == "termcrm" else "crm")
    if not lines:
        raise Quiet("nothing overdue or due today")
    return Due(lines, marker, today)


def main(argv: list[str] | None = None) -> int:
    """`termcrm remind`: print the reminder, or nothing; always exit 0."""
    args = list(sys.argv[1:] if argv is None else argv)
    opts = parse_args(args)
    if opts["help"]:
        sys.stdout.write(USAGE)
        return 0
    try:
        lines = reminder(db=opts["db"], user=opts["user"], always=opts["always"])
        sys.stdout.write("\n".join(lines) + "\n")
        sys.stdout.flush()
    except Quiet as why:
        _debug(opts, str(why))
    except BaseException as exc:  # never break a shell, whatever happens
        if isinstance(exc, KeyboardInterrupt | SystemExit) and not opts["debug"]:
            return 0
        _debug(opts, f"{type(exc).__name__}: {exc}")
    return 0


def _debug(opts: dict, why: str) -> None:
    if opts["debug"] or os.environ.get("TERMCRM_DEBUG"):
        try:  # noqa: SIM105  (contextlib costs an import on the fast path)
            sys.stderr.write(f"termcrm remind: {why}\n")
        except Exception:
            pass
