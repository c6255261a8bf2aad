"""Contacts import speed and memory, beside raw sqlite3 executemany of the same rows.

    python benchmarks/import_bench.py            # 100k rows speed; peak RSS for 100k and 1M
    python benchmarks/import_bench.py --rows 20000 --no-memory

Generates a seeded contacts CSV (commas and quotes inside fields, non-ASCII names, phones
starting with '+', tags, an unmapped column) and imports it into an empty database with
`termcrm.services.transfer.pipeline`. The reference is raw `sqlite3` `executemany` of the same contact
rows into the same schema, in one transaction. Peak RSS is measured in child processes, one
per file size. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIRST = ["Ada", "Zoë", "José", "Björn", "Łukasz", "Amélie", "Chloé", "Søren", "Ada-Marie", "Bob"]
LAST = ["Lovelace", "O'Brien", "Müller", "García", "Nguyễn", "Smith, Jr.", 'Say "Hi"', "Øster"]
COMPANIES = [f"Firma {i}, GmbH & Co." for i in range(500)] + ['ACME "Rockets"', "Été SARL"]
TAGS = ["vip", "newsletter", "partner", "trade show", "müll"]


def generate(path: Path, rows: int, seed: int = 42) -> None:
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            ["First Name", "Last Name", "Email", "Phone", "Company", "Job Title", "Tags", "Hobby"]
        )
        for i in range(rows):
            w.writerow(
                [
                    rnd.choice(FIRST),
                    rnd.choice(LAST),
                    f"person.{i}@example{i % 97}.com",
                    f"+49 30 {rnd.randrange(10**6, 10**7)}",
                    rnd.choice(COMPANIES),
                    rnd.choice(["CEO", "Buyer, senior", "Ingénieur", ""]),
                    "; ".join(rnd.sample(TAGS, rnd.randrange(0, 3))),
                    rnd.choice(["", "chess", 'says "hello",\nthen leaves']),
                ]
            )


def termcrm_import(csv_path: Path, db_path: Path) -> tuple[int, float]:
    from termcrm.services.transfer import pipeline as importer
    from termcrm.store.engine import open_store

    store = open_store(str(db_path))
    t0 = time.perf_counter()
    result = importer.import_file(store, "contacts", csv_path, actor="bench")
    elapsed = time.perf_counter() - t0
    store.close()
    return result.created, elapsed


def raw_sqlite(csv_path: Path, db_path: Path) -> tuple[int, float]:
    """The same contact rows (already read) inserted with sqlite3 executemany, one transaction."""
    from termcrm.store.engine import open_store

    open_store(str(db_path)).close()  # the same schema and indexes
    with csv_path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        stamp = "2026-11-18 09:00:00.000000"
        companies = {name: i for i, name in enumerate(COMPANIES, 1)}
        rows = [
            (f"{r[0]} {r[1]}", r[2], r[3], r[5] or None, companies[r[4]], "lead", "bench", stamp,
             stamp)
            for r in reader
        ]  # fmt: skip
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.executemany(
        "INSERT INTO companies (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
        [(i, name, "2026-11-18 09:00:00.000000", "2026-11-18 09:00:00.000000")
         for name, i in companies.items()],
    )  # fmt: skip
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    t0 = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO contacts (name, email, phone, title, company_id, stage, owner, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    conn.close()
    return len(rows), elapsed


def child(rows: int) -> dict:
    """Run in a child process: generate, import, report peak RSS."""
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "contacts.csv"
        generate(csv_path, rows)
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        created, elapsed = termcrm_import(csv_path, Path(tmp) / "crm.db")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"rows": rows, "created": created, "seconds": elapsed, "peak_kb": peak, "base": base}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--big", type=int, default=1_000_000)
    ap.add_argument("--no-memory", action="store_true")
    ap.add_argument("--child", type=int)
    args = ap.parse_args()
    os.environ.setdefault("TERMCRM_USER", "bench")
    if args.child:
        print(json.dumps(child(args.child)))
        return

    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "contacts.csv"
        generate(csv_path, args.rows)
        size = csv_path.stat().st_size
        n_raw, t_raw = raw_sqlite(csv_path, Path(tmp) / "raw.db")
        n_crm, t_crm = termcrm_import(csv_path, Path(tmp) / "crm.db")
    raw_rate, crm_rate = n_raw / t_raw, n_crm / t_crm
    print(f"file: {args.rows:,} rows, {size / 1e6:.1f} MB")
    print(f"raw sqlite3 executemany (insert only): {raw_rate:>10,.0f} rows/s")
    print(
        f"termcrm import (read, validate, dedupe, contacts + stage history + tags + fields):"
        f" {crm_rate:>10,.0f} rows/s  = {crm_rate / raw_rate:.0%} of raw (target >= 35%)"
    )
    if args.no_memory:
        return
    peaks = {}
    for rows in (args.rows, args.big):
        proc = subprocess.run(
            [sys.executable, __file__, "--child", str(rows)],
            capture_output=True,
            text=True,
            check=True,
        )
        info = json.loads(proc.stdout.strip().splitlines()[-1])
        peaks[rows] = info["peak_kb"]
        print(
            f"peak RSS importing {rows:>9,} rows: {info['peak_kb'] / 1024:7.1f} MB"
            f"  ({info['created'] / info['seconds']:,.0f} rows/s)"
        )
    ratio = peaks[args.big] / peaks[args.rows]
    print(f"peak RSS ratio {args.big:,} / {args.rows:,}: {ratio:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
