#!/usr/bin/env python3
"""In-process measurements for `run.py`, each in its own process (so one that crashes or leaks
cannot spoil the others, and its peak memory is its own).

    python benchmarks/_probe.py init DB                 create and migrate an empty database
    python benchmarks/_probe.py search DB QUERY RUNS    contacts.list_contacts(ContactQuery(search=QUERY))
    python benchmarks/_probe.py search-page DB Q RUNS   the TUI's page and count query
    python benchmarks/_probe.py kpis DB RUNS            the KPI report computation
    python benchmarks/_probe.py import-service CSV DB RUNS   importer.import_file in-process
    python benchmarks/_probe.py raw-insert CSV DB RUNS  raw sqlite3 executemany of the CSV rows
    python benchmarks/_probe.py tui DB QUERY            TUI first page and search keystrokes

The result is one JSON object on the last line of stdout; `{"error": "..."}` when the thing
measured is missing or fails (run.py prints that row as n/a with the reason).
"""

from __future__ import annotations

import asyncio
import csv
import importlib
import inspect
import json
import os
import sqlite3
import statistics
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path


def emit(obj: dict) -> None:
    sys.stdout.write("\n" + json.dumps(obj) + "\n")
    sys.stdout.flush()


def summary(samples: list[float]) -> dict:
    return {
        "median": statistics.median(samples),
        "min": min(samples),
        "max": max(samples),
        "samples": samples,
    }


def timed(fn: Callable[[], object], runs: int, warmup: int = 1) -> tuple[dict, object]:
    result = None
    for _ in range(warmup):
        result = fn()
    samples = []
    for _ in range(max(1, runs)):
        t0 = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - t0)
    return summary(samples), result


# -- init ---------------------------------------------------------------------------------------


def cmd_init(db: str) -> dict:
    from termcrm.store.engine import open_store

    open_store(db).close()
    return {"ok": True}


# -- search -------------------------------------------------------------------------------------


def cmd_search(db: str, query: str, runs: int) -> dict:
    from termcrm.services import contacts
    from termcrm.services.search import ContactQuery
    from termcrm.store.engine import open_store

    store = open_store(db)

    def once():
        with store.read() as s:
            return len(contacts.list_contacts(s, ContactQuery(search=query)))

    stats, matches = timed(once, runs)
    store.close()
    return {
        **stats,
        "matches": matches,
        "calls": "services.contacts.list_contacts(ContactQuery(search=...))",
    }


def cmd_search_page(db: str, query: str, runs: int) -> dict:
    """The TUI's query behind a search keystroke: one page of rows plus the total count."""
    from termcrm.services import pager
    from termcrm.services.search import ContactQuery
    from termcrm.store.engine import open_store

    store = open_store(db)
    filters = ContactQuery(search=query)

    def once():
        with store.read() as s:
            page = pager.contact_page(s, filters, limit=60)
            return len(page), pager.count(s, filters)

    stats, (shown, total) = timed(once, runs)
    store.close()
    return {
        **stats,
        "rows": shown,
        "total": total,
        "calls": "services.pager.contact_page(limit=60) + pager.count",
    }


# -- kpis ---------------------------------------------------------------------------------------

#: names the KPI entry point may have (issue 6 is built in parallel); first found wins
KPI_MODULES = ("termcrm.services.kpis", "termcrm.services.report", "termcrm.services.kpi")
KPI_FUNCS = ("compute", "compute_report", "report", "build_report", "kpis", "compute_kpis")


def find_kpi_function() -> tuple[Callable, str]:
    errors = []
    for modname in KPI_MODULES:
        try:
            mod = importlib.import_module(modname)
        except ImportError as exc:
            errors.append(f"{modname}: {exc}")
            continue
        for fname in KPI_FUNCS:
            fn = getattr(mod, fname, None)
            if callable(fn):
                return fn, f"{modname}.{fname}"
    raise LookupError("no KPI function found (" + "; ".join(errors) + ")")


def _period_kwargs(fn: Callable) -> dict:
    """Arguments for a 30-day period ending now, by whatever names the function uses."""
    from termcrm import dates

    until = dates.now()
    since = until - timedelta(days=30)
    params = inspect.signature(fn).parameters
    kw: dict = {}
    for name in params:
        if name in ("since", "start", "period_start"):
            kw[name] = since
        elif name in ("until", "end", "period_end"):
            kw[name] = until
    return kw


def cmd_kpis(db: str, runs: int) -> dict:
    from termcrm.store.engine import open_store

    fn, where = find_kpi_function()
    store = open_store(db)
    kwargs = _period_kwargs(fn)

    def once():
        with store.read() as s:
            return fn(s, **kwargs)

    stats, _ = timed(once, runs)
    store.close()
    return {**stats, "calls": where}


# -- the import service -----------------------------------------------------------------------


def cmd_import_service(csv_path: str, db: str, runs: int) -> dict:
    """`termcrm.services.transfer.pipeline.import_file(store, "contacts", CSV)` into a fresh copy of the
    empty migrated database `db` each run (what `termcrm import contacts` calls)."""
    import shutil

    try:
        from termcrm.services.transfer import pipeline as importer
    except ImportError as exc:
        raise LookupError(f"termcrm.services.transfer.pipeline is not there yet ({exc})") from exc
    from termcrm.store.engine import open_store

    samples, created = [], 0
    for i in range(max(1, runs)):
        target = f"{db}.svc{i}"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(db, target)
        store = open_store(target)
        t0 = time.perf_counter()
        result = importer.import_file(store, "contacts", csv_path, actor="bench")
        samples.append(time.perf_counter() - t0)
        created = result.created
        store.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
    stats = summary(samples)
    return {
        **stats,
        "rows": created,
        "rows_per_s": created / stats["median"],
        "calls": 'services.transfer.pipeline.import_file(store, "contacts", CSV)',
    }


# -- raw sqlite3 reference for the import ----------------------------------------------------------


def cmd_raw_insert(csv_path: str, db: str, runs: int) -> dict:
    """Raw `sqlite3` executemany of the same CSV rows into `contacts`, one transaction.

    Rows are read and shaped before the clock starts: this is the floor for writing them.
    Every run uses a fresh copy of the empty migrated database `db`.
    """
    import shutil

    with open(csv_path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        rows = [
            (
                r.get("name") or f"{r.get('First Name', '')} {r.get('Last Name', '')}".strip(),
                r.get("email") or r.get("E-mail 1 - Value") or None,
                (r.get("phone") or r.get("Phone 1 - Value") or "").lstrip("'") or None,
                r.get("title") or r.get("Organization Title") or None,
                r.get("stage") or "lead",
                r.get("source") or None,
                r.get("owner") or None,
                r.get("notes") or r.get("Notes") or None,
                now,
                now,
            )
            for r in reader
        ]
    sql = (
        "INSERT INTO contacts (name, email, phone, title, stage, source, owner, notes, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )

    def insert_runs(drop_indexes: bool) -> list[float]:
        samples = []
        for i in range(max(1, runs)):
            target = f"{db}.raw{i}"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(db, target)
            con = sqlite3.connect(target, isolation_level=None)
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=NORMAL")
            if drop_indexes:
                names = con.execute(
                    "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='contacts' "
                    "AND sql IS NOT NULL"
                ).fetchall()
                for (name,) in names:
                    con.execute(f'DROP INDEX "{name}"')
            t0 = time.perf_counter()
            con.execute("BEGIN IMMEDIATE")
            con.executemany(sql, rows)
            con.execute("COMMIT")
            samples.append(time.perf_counter() - t0)
            n = con.execute("SELECT count(*) FROM contacts").fetchone()[0]
            con.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            if n != len(rows):
                raise RuntimeError(f"raw insert stored {n} of {len(rows)} rows")
        return samples

    stats = summary(insert_runs(drop_indexes=False))
    bare = summary(insert_runs(drop_indexes=True))
    return {
        **stats,
        "rows": len(rows),
        "rows_per_s": len(rows) / stats["median"],
        "bare_rows_per_s": len(rows) / bare["median"],
    }


# -- TUI ----------------------------------------------------------------------------------------

TUI_MODULES = ("termcrm.tui.app", "termcrm.tui")
TUI_CLASSES = ("TermcrmApp", "CrmApp", "TermCRMApp", "CRMApp", "TermcrmTui")


def find_app_class():
    from textual.app import App

    errors = []
    for modname in TUI_MODULES:
        try:
            mod = importlib.import_module(modname)
        except ImportError as exc:
            errors.append(f"{modname}: {exc}")
            continue
        for name in TUI_CLASSES:
            cls = getattr(mod, name, None)
            if isinstance(cls, type) and issubclass(cls, App):
                return cls
        for value in vars(mod).values():
            if (
                isinstance(value, type)
                and issubclass(value, App)
                and value is not App
                and value.__module__ == mod.__name__
            ):
                return value
    raise LookupError("no Textual App class in termcrm.tui (" + "; ".join(errors) + ")")


def make_app(cls, db: str):
    params = inspect.signature(cls).parameters
    kwargs: dict = {}
    by_target = any(n in ("db", "db_target", "target", "database", "db_path") for n in params)
    for name in params:
        if name in ("db", "db_target", "target", "database", "db_path"):
            kwargs[name] = db
        elif name == "store" and not by_target:  # else the app opens its store its own way
            from termcrm.store.engine import open_store

            kwargs[name] = open_store(db)
        elif name == "auto_refresh":
            kwargs[name] = None  # no timer reloads in the middle of a measurement
    return cls(**kwargs)


def _search_input(app):
    from textual.widgets import Input

    inputs = [n for n in app.screen.walk_children() if isinstance(n, Input)]
    for n in inputs:
        ident = (n.id or "") + " " + " ".join(n.classes)
        if "search" in ident.lower():
            return n
    return inputs[0] if inputs else None


async def _wait(cond: Callable[[], bool], timeout: float) -> bool:
    deadline = time.perf_counter() + timeout
    while not cond():
        if time.perf_counter() > deadline:
            return False
        await asyncio.sleep(0.0005)
    return True


class _Pages:
    """The contacts table's `PageShown` messages, through run_test's message hook."""

    def __init__(self) -> None:
        self.count = 0
        self.last = None
        self._seen: set[int] = set()

    def __call__(self, message) -> None:
        if type(message).__name__ == "PageShown" and id(message) not in self._seen:
            self._seen.add(id(message))
            self.count += 1
            self.last = message


async def _tui(db: str, query: str, size: tuple[int, int]) -> dict:
    from textual import events

    t_import = time.perf_counter()
    cls = find_app_class()
    t0 = time.perf_counter()
    app = make_app(cls, db)
    result: dict = {"app": f"{cls.__module__}.{cls.__name__}", "import_s": t0 - t_import}
    pages = _Pages()

    def counted() -> bool:
        return pages.last is not None and pages.last.total is not None

    async with app.run_test(size=size, message_hook=pages) as pilot:
        if not await _wait(counted, 30):
            raise TimeoutError("the contacts table showed no page within 30 s")
        result["first_page_s"] = time.perf_counter() - t0
        table = pages.last.table
        result["rows_shown"] = table.row_count
        box = _search_input(app)
        if box is None:
            result["keystroke_error"] = "no search Input on the start screen"
            return result
        await pilot.press("slash")
        await pilot.pause(0.3)
        if app.focused is not box:
            box.focus()
            await pilot.pause(0.1)
        latencies = []
        for ch in query:
            # keys go to the driver directly: Pilot.press waits for the whole app to be idle,
            # which would count background work (the total count) as keystroke latency
            before = pages.count
            t1 = time.perf_counter()
            app._driver.send_message(events.Key(ch, ch))
            changed = await _wait(lambda b=before: pages.count > b, 5)
            latencies.append(time.perf_counter() - t1 if changed else float("inf"))
            await _wait(counted, 5)
            await asyncio.sleep(0.1)  # a typist's gap between keys
        result["keystrokes"] = latencies
        result["query"] = query
        result["results_after"] = table.total
    return result


def cmd_tui(db: str, query: str) -> dict:
    return asyncio.run(_tui(db, query, (120, 36)))


# -- main ---------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, rest = argv[0], argv[1:]
    try:
        if cmd == "init":
            result = cmd_init(rest[0])
        elif cmd == "search":
            result = cmd_search(rest[0], rest[1], int(rest[2]))
        elif cmd == "search-page":
            result = cmd_search_page(rest[0], rest[1], int(rest[2]))
        elif cmd == "kpis":
            result = cmd_kpis(rest[0], int(rest[1]))
        elif cmd == "import-service":
            result = cmd_import_service(rest[0], rest[1], int(rest[2]))
        elif cmd == "raw-insert":
            result = cmd_raw_insert(rest[0], rest[1], int(rest[2]))
        elif cmd == "tui":
            result = cmd_tui(rest[0], rest[1])
        else:
            raise SystemExit(f"unknown probe {cmd!r}")
    except Exception as exc:
        if os.environ.get("BENCH_DEBUG"):
            traceback.print_exc()
        emit({"error": f"{type(exc).__name__}: {exc}".splitlines()[0][:300]})
        return 1
    emit(result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
