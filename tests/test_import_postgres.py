"""Imports on PostgreSQL with other writers at work: ids come from the database, a row that
another process wrote first is a duplicate (skipped or updated), never an error.

Every test runs the installed `termcrm` as real processes against the `pg_url` schema.
"""

from __future__ import annotations

import subprocess
import threading
import time

import pytest
from conftest import termcrm_executable

pytestmark = pytest.mark.postgres


def _env(pg_url: str) -> dict[str, str]:
    import os

    return {**os.environ, "TERMCRM_DB": pg_url}


def _run(pg_url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [termcrm_executable(), *args],
        capture_output=True,
        text=True,
        env=_env(pg_url),
        timeout=120,
    )


def _count(pg_url: str, table: str) -> int:
    from sqlalchemy import text

    from termcrm.store.engine import open_store

    store = open_store(pg_url)
    try:
        with store.read() as s:
            return s.connection().execute(text(f"SELECT count(*) FROM {table}")).scalar()
    finally:
        store.close()


@pytest.fixture
def pg_db(pg_url: str) -> str:
    """`pg_url` with termcrm's schema already made (the tests race imports, not set-ups)."""
    assert _run(pg_url, "contact", "list").returncode == 0
    return pg_url


def _contacts_csv(path, n: int) -> None:
    lines = ["Name,Email,Company"]
    lines += [f"Zoë Ölstad {i},zoe.{i}@example.org,Firma {i % 40}" for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _both(*commands: list[str], pg_url: str) -> list[subprocess.CompletedProcess]:
    """Run each list of argument lists in its own thread, one process after the other."""
    results: list[list[subprocess.CompletedProcess]] = [[] for _ in commands]

    def worker(k: int) -> None:
        for args in commands[k]:
            results[k].append(_run(pg_url, *args))

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(len(commands))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [r for rs in results for r in rs]


def test_two_processes_importing_interactions_in_chunks_keep_every_row(pg_db, tmp_path):
    pg_url = pg_db
    f = tmp_path / "people.csv"
    _contacts_csv(f, 10)
    assert _run(pg_url, "import", "contacts", str(f)).returncode == 0
    runs = []
    for who in ("a", "b"):
        files = []
        for chunk in range(10):
            p = tmp_path / f"{who}{chunk}.csv"
            rows = ["contact_email,kind,occurred_at,summary"]
            rows += [
                f"zoe.{i % 10}@example.org,call,2026-11-{1 + i % 17:02d} 10:00,"
                f"Call {who} {chunk}-{i} über Ölpreise"
                for i in range(100)
            ]
            p.write_text("\n".join(rows) + "\n", encoding="utf-8")
            files.append(["import", "interactions", str(p)])
        runs.append(files)
    results = _both(*runs, pg_url=pg_url)
    for r in results:
        assert r.returncode == 0, r.stderr
        assert "pipeline" not in r.stderr.lower()
    assert _count(pg_url, "interactions") == 2000


def test_two_processes_importing_the_same_contacts_both_succeed(pg_db, tmp_path):
    pg_url = pg_db
    f = tmp_path / "same.csv"
    _contacts_csv(f, 2000)
    results = _both(
        [["import", "contacts", str(f)]], [["import", "contacts", str(f)]], pg_url=pg_url
    )
    for r in results:
        assert r.returncode == 0, r.stderr
        assert "pipeline" not in r.stderr.lower() and "email" not in r.stderr.lower()
    assert _count(pg_url, "contacts") == 2000
    assert _count(pg_url, "companies") == 40
    # one process created them all, the other found every row already there
    summaries = sorted(r.stdout for r in results)
    assert "2000 created" in summaries[0] or "2000 created" in summaries[1]
    assert any("2000 skipped" in s for s in summaries)


def test_same_contacts_with_update_update_instead_of_failing(pg_db, tmp_path):
    pg_url = pg_db
    f = tmp_path / "same.csv"
    _contacts_csv(f, 500)
    cmd = ["import", "contacts", str(f), "--on-duplicate", "update"]
    results = _both([cmd], [cmd], pg_url=pg_url)
    for r in results:
        assert r.returncode == 0, r.stderr
    assert _count(pg_url, "contacts") == 500


def test_contact_add_while_an_import_runs(pg_db, tmp_path):
    import psycopg

    pg_url = pg_db
    f = tmp_path / "big.csv"
    lines = ["Name,Email,Company"]
    lines += [f"Person {i},p{i}@example.org,Firma {i % 5}" for i in range(2500)]
    lines.append("Last One,last@example.org,Blocker GmbH")  # in the second batch
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plain = pg_url.replace("postgresql+psycopg", "postgresql")  # libpq takes the options
    # Assert the import has started: it waits on a company that this test is creating
    blocker = psycopg.connect(plain)
    blocker.execute(
        "INSERT INTO companies (name, created_at, updated_at) VALUES ('Blocker GmbH', now(), now())"
    )
    proc = subprocess.Popen(
        [termcrm_executable(), "import", "contacts", str(f)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(pg_url),
    )
    try:
        watcher = psycopg.connect(plain, autocommit=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            waiting = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
                (blocker.info.backend_pid,),
            ).fetchone()[0]
            if waiting or proc.poll() is not None:
                break
            time.sleep(0.05)  # polling the server for the event; no fixed wait
        assert proc.poll() is None, proc.communicate()
        added = subprocess.run(
            [termcrm_executable(), "contact", "add", "Zoë Ölstad", "--email", "zoe@example.org"],
            capture_output=True,
            text=True,
            env=_env(pg_url),
            timeout=30,  # before ids came from the sequence, this waited on the import
        )
        assert added.returncode == 0, added.stderr
    finally:
        blocker.rollback()
        blocker.close()
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert _count(pg_url, "contacts") == 2502
