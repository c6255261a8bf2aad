"""What shell completion offers for a value: contacts, companies, deals, tasks, cases, tags,
owners and the fixed vocabularies. The domain layer exposes these as
`termcrm.services.completion`.

Completion runs on every TAB, so this module lives outside the `services` package (whose
import loads the store) and imports only the standard library: its queries are plain SQL run
through a `Rows` callable. A TAB runs them over `sqlite3` straight on a SQLite file
(`sqlite_rows`, read-only, no SQLAlchemy); a server database runs the same SQL through a
Session (`session_rows`). `tests/test_completion.py` pins the two to each other.

Every function returns `(value, help)` pairs whose value starts with what was typed (the
shells filter by prefix): zsh and fish show the help beside the value.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

from termcrm import textfold, vocab

#: how many candidates one TAB offers at most
LIMIT = 50

#: the help of a name several contacts share (as a reference it would be ambiguous)
SHARED = "several contacts: use the email or id"

#: runs one query: (sql with :named parameters, parameters) -> rows
Rows = Callable[[str, dict[str, Any]], Sequence[Sequence[Any]]]


def _starts(value: str | None, typed: str) -> bool:
    return value is not None and textfold.fold(value).startswith(textfold.fold(typed))


def _upper_bound(prefix: str) -> str:
    """The smallest text greater than every text starting with `prefix` (binary order)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _ascii_lower(text: str) -> str:
    """`text` as SQLite's lower() leaves it: only ASCII letters folded."""
    return "".join(c.lower() if c.isascii() else c for c in text)


def _prefix_where(column: str, typed: str, params: dict[str, Any], key: str) -> str:
    """A condition `lower(column)` starts with `typed`, using the lower(...) index on SQLite."""
    if not typed:
        return "1 = 1"
    low = _ascii_lower(typed)
    params[f"{key}_lo"], params[f"{key}_hi"] = low, _upper_bound(low)
    return f"(lower({column}) >= :{key}_lo AND lower({column}) < :{key}_hi)"


def _label(*parts: Any) -> str:
    return " · ".join(" ".join(str(p).split()) for p in parts if p not in (None, ""))


# -- records --------------------------------------------------------------------------------


def contacts(rows: Rows, typed: str) -> list[tuple[str, str]]:
    """Contacts whose name or email starts with `typed`. A name several contacts share would
    be ambiguous as a reference: it is offered once, marked, beside each one's email (or id)."""
    select = (
        "SELECT c.id, c.name, c.email, co.name FROM contacts c "
        "LEFT JOIN companies co ON co.id = c.company_id WHERE "
    )
    found: list[Sequence[Any]] = []
    for column in ("c.name", "c.email"):  # each in its index's order, merged by name
        params: dict[str, Any] = {"limit": LIMIT}
        where = _prefix_where(column, typed, params, "p")
        found += rows(f"{select}{where} ORDER BY lower({column}) LIMIT :limit", params)
        if not typed:
            break  # every contact starts with "": the names alone
    found = sorted({r[0]: r for r in found}.values(), key=lambda r: (r[1].lower(), r[0]))[:LIMIT]
    names = [textfold.fold(name) for _, name, _, _ in found]
    shared = {n for n in names if names.count(n) > 1}
    if len(found) == LIMIT:  # namesakes of the last one may lie beyond the page
        last = found[-1][1]
        same = rows("SELECT count(*) FROM contacts WHERE lower(name) = lower(:n)", {"n": last})
        if same[0][0] > 1:
            shared.add(textfold.fold(last))
    out: list[tuple[str, str]] = []
    for id_, name, email, company in found:
        by_name, by_email = _starts(name, typed), _starts(email, typed)
        if by_email and not by_name:
            out.append((email, _label(name, company)))
        elif by_name and textfold.fold(name) not in shared:
            out.append((name, _label(email, company)))
        elif by_name:
            if (name, SHARED) not in out:
                out.append((name, SHARED))
            out.append((email or str(id_), _label(name, company)))
    return out


def companies(rows: Rows, typed: str) -> list[tuple[str, str]]:
    params: dict[str, Any] = {"limit": LIMIT}
    found = rows(
        "SELECT name, domain FROM companies "
        f"WHERE {_prefix_where('name', typed, params, 'n')} ORDER BY lower(name) LIMIT :limit",
        params,
    )
    return [(name, _label(domain)) for name, domain in found if _starts(name, typed)]


def _id_ranges(typed: str, largest: int) -> list[tuple[int, int]]:
    """The id ranges whose decimal form starts with `typed`: "12" -> 12, 120-129, 1200-1299..."""
    digits = typed.lstrip("#")
    if not digits:
        return [(1, largest)]
    start, span, out = int(digits), 1, []
    while start <= largest and start > 0:
        out.append((start, start + span - 1))
        start, span = start * 10, span * 10
    return out


def _by_id(rows: Rows, sql: str, table: str, typed: str, open_: str) -> list[Sequence[Any]]:
    """Records whose id starts with `typed`: open ones first, then the rest, newest first."""
    if typed and not typed.lstrip("#").isdigit():
        return []
    largest = rows(f"SELECT max(id) FROM {table}", {})[0][0] or 0
    ranges = _id_ranges(typed, largest)
    if not ranges:
        return []
    ids = " OR ".join(f"t.id BETWEEN {lo} AND {hi}" for lo, hi in ranges)
    found: list[Sequence[Any]] = []
    for state in (open_, f"NOT ({open_})"):
        left = {"limit": LIMIT - len(found)}
        if left["limit"] > 0:
            found += rows(
                f"{sql} WHERE ({state}) AND ({ids}) ORDER BY t.id DESC LIMIT :limit", left
            )
    return found


#: the records completed by id: table, the columns shown beside the id, what "open" means
_BY_ID = {
    "deal": (
        "deals",
        "t.title, t.stage, c.name",
        f"t.stage NOT IN ({', '.join(repr(s) for s in vocab.CLOSED_DEAL_STAGES)})",
    ),
    "task": (
        "tasks",
        "t.title, c.name, CASE WHEN t.done_at IS NULL THEN NULL ELSE 'done' END",
        "coalesce(t.done_at, NULL) IS NULL",  # not by the due index: newest first is by id
    ),
    "case": ("cases", "t.subject, t.status, c.name", "coalesce(t.status, '') = 'open'"),
}


def _ids(kind: str) -> Callable[[Rows, str], list[tuple[str, str]]]:
    table, shown, open_ = _BY_ID[kind]

    def look_up(rows: Rows, typed: str) -> list[tuple[str, str]]:
        sql = f"SELECT t.id, {shown} FROM {table} t LEFT JOIN contacts c ON c.id = t.contact_id"
        return [(str(r[0]), _label(*r[1:])) for r in _by_id(rows, sql, table, typed, open_)]

    look_up.__doc__ = f"{kind.capitalize()} ids, open ones first, with {shown} beside them."
    return look_up


deals, tasks, cases = _ids("deal"), _ids("task"), _ids("case")


def _distinct_sql(table: str, column: str) -> str:
    """The distinct values of an indexed column, one index seek each (not a scan of every
    row): the next value is the smallest one above the last."""
    return (
        f"WITH RECURSIVE v(x) AS (SELECT min({column}) FROM {table} UNION ALL "
        f"SELECT (SELECT min({column}) FROM {table} WHERE {column} > v.x) FROM v "
        f"WHERE v.x IS NOT NULL) SELECT x FROM v WHERE x IS NOT NULL LIMIT 1000"
    )


def _distinct(rows: Rows, tables: Sequence[str], column: str, typed: str) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for table in tables:
        for (value,) in rows(_distinct_sql(table, column), {}):
            if value and _starts(value, typed):
                seen.setdefault(textfold.fold(value), value)
    return [(v, "") for v in sorted(seen.values(), key=textfold.fold)][:LIMIT]


def tags(rows: Rows, typed: str) -> list[tuple[str, str]]:
    return _distinct(rows, ["contact_tags"], "tag", typed)


def owners(rows: Rows, typed: str) -> list[tuple[str, str]]:
    """The owners of contacts, deals, tasks and cases."""
    return _distinct(rows, ["contacts", "deals", "tasks", "cases"], "owner", typed)


# -- vocabularies -----------------------------------------------------------------------------


def _words(words: Sequence[str], typed: str) -> list[tuple[str, str]]:
    return [(w, "") for w in words if _starts(w, typed)]


VOCABULARIES: dict[str, Sequence[str]] = {
    "contact_stage": vocab.CONTACT_STAGES,
    "deal_stage": vocab.DEAL_STAGES,
    "kind": vocab.ALL_INTERACTION_KINDS,
    "direction": vocab.DIRECTIONS,
    "task_priority": vocab.TASK_PRIORITIES,
    "case_priority": vocab.CASE_PRIORITIES,
}

RECORDS: dict[str, Callable[[Rows, str], list[tuple[str, str]]]] = {
    "contact": contacts,
    "company": companies,
    "deal": deals,
    "task": tasks,
    "case": cases,
    "tag": tags,
    "owner": owners,
}

#: every kind of value completion knows
KINDS = (*RECORDS, *VOCABULARIES)


def complete(
    kind: str, typed: str, rows: Callable[[], Rows] | None = None
) -> list[tuple[str, str]]:
    """The candidates of `kind` for `typed`; `rows` opens the database only when needed."""
    if kind in VOCABULARIES:
        return _words(VOCABULARIES[kind], typed)
    if kind not in RECORDS or rows is None:
        return []
    return RECORDS[kind](rows(), typed)


def complete_at(target: str, kind: str, typed: str) -> list[tuple[str, str]]:
    """`complete` on the database `target` (a file path or a URL). A SQLite file is read
    with sqlite3 alone, read-only, and never created; a server database through the store."""
    if kind not in RECORDS:
        return complete(kind, typed)
    if "://" not in target or target.startswith("sqlite:///"):
        path = target[len("sqlite:///") :].split("?", 1)[0] if "://" in target else target
        if not path or path == ":memory:":
            return []
        return complete(kind, typed, lambda: sqlite_rows(os.path.expanduser(path)))
    from termcrm.store.engine import open_store

    store = open_store(target)
    try:
        with store.read() as session:
            return complete(kind, typed, lambda: session_rows(session))
    finally:
        store.close()


# -- the two ways to run the queries -----------------------------------------------------------


def sqlite_rows(path: str, busy_ms: int = 100) -> Rows:
    """Queries straight on a SQLite file, read-only, waiting at most `busy_ms` for a lock."""
    import sqlite3

    if not os.path.isfile(path):
        raise FileNotFoundError(path)
    quoted = path.replace("%", "%25").replace("?", "%3f").replace("#", "%23")
    conn = sqlite3.connect(f"file:{quoted}?mode=ro", uri=True, timeout=busy_ms / 1000)

    def run(sql: str, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
        return conn.execute(sql, params).fetchall()

    return run


def session_rows(session: Any) -> Rows:
    """Queries through a SQLAlchemy Session (any engine)."""
    from sqlalchemy import text

    def run(sql: str, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
        return [tuple(r) for r in session.execute(text(sql), params).all()]

    return run
