"""Speed of the KPI report on a large generated database (issue 6's figures).

    python benchmarks/kpi_selfcheck.py [DB]   # DB default: /tmp/termcrm-kpi-bench.db

Builds (once; reused when the file exists) 100,000 contacts, 1,000,000 interactions, 50,000
deals and 20,000 tasks with stage history, cases and survey answers spread over two years,
using raw sqlite3 after `open_store` created the schema. Then prints the in-process time
of `kpis.compute` (best and median of 15) and the wall time of `termcrm report` next to
`python3 -c "import typer, sqlmodel, rich.console"`, the floor of its own libraries.
"""

from __future__ import annotations

import os
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

N_CONTACTS, N_INTERACTIONS, N_DEALS, N_TASKS, N_CASES = 100_000, 1_000_000, 50_000, 20_000, 5_000
NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
SPAN = timedelta(days=730)
KINDS = ("call", "email", "meeting", "note", "chat", "sms", "social")
OWNERS = ("alice", "bob", "carol", "dave")
CURRENCIES = ("EUR", "EUR", "EUR", "USD", "GBP")


def ts(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def rand_time(rng: random.Random, start: datetime = NOW - SPAN, end: datetime = NOW) -> datetime:
    return start + timedelta(seconds=rng.uniform(0, (end - start).total_seconds()))


def build(path: Path) -> None:
    from termcrm.store.engine import open_store

    open_store(str(path)).close()
    rng = random.Random(6)
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    contacts, history = [], []
    created_of = {}
    for cid in range(1, N_CONTACTS + 1):
        created = rand_time(rng)
        created_of[cid] = created
        stage = "lead"
        history.append((cid, None, "lead", ts(created)))
        t = created
        for nxt in ("prospect", "customer", "churned"):
            if rng.random() < 0.5:
                break
            t = t + timedelta(days=rng.uniform(1, 120))
            if t >= NOW:
                break
            history.append((cid, stage, nxt, ts(t)))
            stage = nxt
        contacts.append(
            (cid, f"Contact {cid}", f"c{cid}@example.com", stage, rng.choice(OWNERS),
             ts(created), ts(created))
        )  # fmt: skip
    con.executemany(
        "INSERT INTO contacts (id, name, email, stage, owner, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        contacts,
    )
    con.executemany(
        "INSERT INTO contact_stage_changes (contact_id, from_stage, to_stage, changed_at) "
        "VALUES (?, ?, ?, ?)",
        history,
    )
    rows = []
    for _ in range(N_INTERACTIONS):
        cid = rng.randint(1, N_CONTACTS)
        at = ts(rand_time(rng, created_of[cid]))
        if rng.random() < 0.01:
            metric = rng.choice(("nps", "csat"))
            score = rng.randint(0, 10) if metric == "nps" else rng.randint(1, 5)
            rows.append((cid, "survey", at, f"{metric.upper()} {score}", metric, score,
                         rng.choice(OWNERS), at, at))  # fmt: skip
        else:
            rows.append((cid, rng.choice(KINDS), at, "Talked", None, None, rng.choice(OWNERS),
                         at, at))  # fmt: skip
    con.executemany(
        "INSERT INTO interactions (contact_id, kind, occurred_at, summary, metric, score, "
        "logged_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    deals, dhistory = [], []
    path_stages = ("lead", "qualified", "proposal", "negotiation")
    for did in range(1, N_DEALS + 1):
        created = rand_time(rng)
        t, stage = created, "lead"
        dhistory.append((did, None, "lead", ts(created)))
        closed = None
        for nxt in (*path_stages[1:], "closed"):
            t = t + timedelta(days=rng.uniform(1, 40))
            if t >= NOW or rng.random() < 0.25:
                break
            if nxt == "closed":
                nxt = "won" if rng.random() < 0.45 else "lost"
                closed = t
            dhistory.append((did, stage, nxt, ts(t)))
            stage = nxt
        deals.append(
            (did, f"Deal {did}", rng.randint(1, N_CONTACTS), rng.randint(100, 100000) * 100,
             rng.choice(CURRENCIES), stage, ts(closed) if closed else None, rng.choice(OWNERS),
             ts(created), ts(created))
        )  # fmt: skip
    con.executemany(
        "INSERT INTO deals (id, title, contact_id, value_minor, currency, stage, closed_at, "
        "owner, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        deals,
    )
    con.executemany(
        "INSERT INTO deal_stage_changes (deal_id, from_stage, to_stage, changed_at) "
        "VALUES (?, ?, ?, ?)",
        dhistory,
    )
    tasks = []
    for _ in range(N_TASKS):
        created = rand_time(rng)
        due = created + timedelta(days=rng.uniform(0, 30))
        done = created + timedelta(days=rng.uniform(0, 40)) if rng.random() < 0.7 else None
        if done is not None and done >= NOW:
            done = None
        tasks.append(("Follow up", ts(due), rng.random() < 0.3, rng.randint(1, N_CONTACTS),
                      "normal", ts(done) if done else None, rng.choice(OWNERS), ts(created),
                      ts(created)))  # fmt: skip
    con.executemany(
        "INSERT INTO tasks (title, due_at, due_has_time, contact_id, priority, done_at, owner, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        tasks,
    )
    cases = []
    for _ in range(N_CASES):
        opened = rand_time(rng)
        resolved = opened + timedelta(hours=rng.uniform(1, 200))
        done = resolved < NOW and rng.random() < 0.8
        cases.append((rng.randint(1, N_CONTACTS), "Problem", "normal",
                      "resolved" if done else "open", rng.choice(OWNERS), ts(opened),
                      ts(resolved) if done else None, ts(opened), ts(opened)))  # fmt: skip
    con.executemany(
        "INSERT INTO cases (contact_id, subject, priority, status, owner, opened_at, "
        "resolved_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        cases,
    )
    con.commit()
    con.close()


def time_compute(path: Path, owner: str | None = None, runs: int = 15) -> list[float]:
    from termcrm.services import kpis
    from termcrm.store.engine import open_store

    store = open_store(str(path))
    since, until = NOW - timedelta(days=30), NOW
    times = []
    for _ in range(runs):
        with store.read() as s:
            t0 = time.perf_counter()
            kpis.compute(s, since=since, until=until, owner=owner).to_dict()
            times.append((time.perf_counter() - t0) * 1000)
    store.close()
    return times


def wall(cmd: list[str], env: dict, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/termcrm-kpi-bench.db")
    os.environ["TERMCRM_NOW"] = NOW.isoformat()
    if not path.exists():
        t0 = time.perf_counter()
        build(path)
        print(f"built {path} in {time.perf_counter() - t0:.0f} s")
    for owner in (None, "alice"):
        times = time_compute(path, owner)
        print(
            f"kpis.compute (30 days{', owner ' + owner if owner else ''}): "
            f"best {min(times):.1f} ms, median {statistics.median(times):.1f} ms (target 100 ms)"
        )
    env = {**os.environ, "TERMCRM_DB": str(path), "TERMCRM_NOW": NOW.isoformat()}
    exe = str(Path(sys.executable).with_name("termcrm"))
    floor = wall([sys.executable, "-c", "import typer, sqlmodel, rich.console"], env)
    report = wall([exe, "report"], env)
    base = wall([exe, "contact", "list", "--limit", "1"], env)
    print(
        f"termcrm report: {report:.0f} ms; import typer, sqlmodel, rich.console: {floor:.0f} ms; "
        f"ratio {report / floor:.2f} (target <= 1.3); for reference `contact list --limit 1`: "
        f"{base:.0f} ms, ratio {base / floor:.2f}"
    )


if __name__ == "__main__":
    main()
