"""The benchmark scripts run end to end at a tiny size, so they cannot rot unnoticed.

This checks that they work, never how fast termcrm is: speed figures are the business of
`benchmarks/run.py` itself (no timed asserts in tests).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def _run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=timeout)


def _count(db: Path, sql: str) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def test_generate_writes_the_requested_counts_through_the_real_schema(tmp_path: Path):
    db = tmp_path / "bench.db"
    r = _run(
        str(BENCH / "generate.py"),
        "--contacts", "120", "--interactions", "900", "--deals", "60", "--tasks", "25",
        "--cases", "7", "--surveys", "11", "--seed", "3", "-q", str(db),
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert _count(db, "SELECT count(*) FROM contacts") == 120
    assert _count(db, "SELECT count(*) FROM interactions WHERE kind != 'survey'") == 900
    assert _count(db, "SELECT count(*) FROM interactions WHERE kind = 'survey'") == 11
    assert _count(db, "SELECT count(*) FROM deals") == 60
    assert _count(db, "SELECT count(*) FROM tasks WHERE done_at IS NULL") == 25
    assert _count(db, "SELECT count(*) FROM tasks WHERE done_at IS NOT NULL") == 50
    assert _count(db, "SELECT count(*) FROM cases") == 7
    # every deal's and contact's current stage is the last row of its history
    assert _count(db, "SELECT count(DISTINCT deal_id) FROM deal_stage_changes") == 60
    assert _count(db, "SELECT count(DISTINCT contact_id) FROM contact_stage_changes") == 120
    assert (
        _count(
            db,
            "SELECT count(*) FROM deals d WHERE stage != (SELECT to_stage FROM "
            "deal_stage_changes s WHERE s.deal_id = d.id ORDER BY changed_at DESC, id DESC LIMIT 1)",
        )
        == 0
    )
    # termcrm's contact search index is up to date, as in a long-lived database
    if _count(db, "SELECT count(*) FROM sqlite_master WHERE name='contact_search_dirty'"):
        assert _count(db, "SELECT count(*) FROM contact_search_dirty") == 0
        assert _count(db, "SELECT count(*) FROM contact_search") == 120
    # emails are unique case-insensitively (the index exists again after the bulk load)
    assert _count(db, "SELECT count(*) FROM sqlite_master WHERE name='ux_contacts_email_key'") == 1

    # termcrm itself reads it: the schema is current and the rows load through the models
    from termcrm.services import contacts
    from termcrm.store.engine import open_store

    store = open_store(str(db))
    with store.read() as s:
        views = contacts.list_contacts(s, limit=5)
        assert len(views) == 5 and views[0].contact.created_at.tzinfo is not None
    store.close()

    # the same seed gives the same data
    db2 = tmp_path / "again.db"
    r = _run(
        str(BENCH / "generate.py"),
        "--contacts", "120", "--interactions", "900", "--deals", "60", "--tasks", "25",
        "--cases", "7", "--surveys", "11", "--seed", "3", "-q", str(db2),
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    q = "SELECT group_concat(name || email || created_at, '|') FROM contacts"
    con1, con2 = sqlite3.connect(db), sqlite3.connect(db2)
    assert con1.execute(q).fetchone() == con2.execute(q).fetchone()
    con1.close()
    con2.close()


def test_generate_csv_has_awkward_values_and_the_export_header(tmp_path: Path):
    import csv

    out = tmp_path / "contacts.csv"
    r = _run(str(BENCH / "generate.py"), "--csv", str(out), "--rows", "300", "-q")
    assert r.returncode == 0, r.stderr
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 300
    assert list(rows[0])[:3] == ["id", "name", "email"]
    assert len({row["email"].lower() for row in rows}) == 300
    assert any("\n" in row["notes"] for row in rows)
    assert any('"' in row["notes"] for row in rows)
    assert any("," in row["name"] for row in rows)
    assert any(not row["name"].isascii() for row in rows)


@pytest.mark.slow
def test_run_prints_one_table_and_writes_json(tmp_path: Path):
    out = tmp_path / "results.json"
    r = _run(
        str(BENCH / "run.py"), "--tiny", "--cache-dir", str(tmp_path / "cache"),
        "--json", str(out),
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    header = [i for i, line in enumerate(lines) if line.startswith("figure ")]
    assert len(header) == 1, r.stdout
    assert "reference" in lines[header[0]] and "target" in lines[header[0]]
    for figure in (
        "ref: python -c pass",
        "ref: libs floor",
        "termcrm --help",
        "termcrm remind",
        "termcrm remind (PostgreSQL)",
        "rc line in a new bash -i",
        "TAB completion of a CONTACT",
        "termcrm today",
        "termcrm report",
        "KPI report, in-process",
        "termcrm import contacts",
        "import service",
        "TUI time to first page, in-process",
        "ref: minimal Textual app launch, terminal",
        "TUI launch → first page, terminal",
    ):
        assert any(line.startswith(figure) for line in lines), figure
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["meta"]["mode"] == "tiny"
    rows = {row["figure"]: row for row in data["rows"]}
    # the references always work; a missing feature is n/a with a reason, never a harness crash
    assert rows["ref: python -c pass"]["result"] == "ref"
    assert rows["termcrm --help"]["result"] in ("pass", "FAIL")
    for row in data["rows"]:
        assert not row["note"].startswith("harness:"), row
        if row["value"] == "n/a":
            assert row["note"], row


def test_compare_shows_the_previous_values_beside_the_new_ones():
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
    run = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = run  # dataclasses look their module up
    try:
        spec.loader.exec_module(run)
    finally:
        del sys.modules["bench_run"]
    rows = [run.Row("termcrm --help", "190 ms", "160 ms bare", "1.19×", "≤ 1.2×", "pass")]
    text = run.table(rows, {"termcrm --help": {"value": "250 ms", "ratio": "1.50×"}})
    header, _, line = text.splitlines()
    assert "before" in header.split()
    assert "250 ms 1.50×" in line and "190 ms" in line


@pytest.mark.slow
def test_the_terminal_benchmark_times_every_screen_through_a_pty(store):
    """`tui_pty.py` drives `termcrm tui` on a pseudo-terminal through every screen."""
    from tui_helpers import seed

    seed(store)
    store.close()
    db = store.target
    r = _run(str(BENCH / "tui_pty.py"), db, "--runs", "1", "--json", timeout=600)
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)["summary"]
    for key in ("reference_launch", "first_page", "contact", "board", "deal_move", "agenda",
                "dashboard"):  # fmt: skip
        assert s[key] > 0, key
    assert s["keys"]["zo"], "a search that empties the table is timed"
    assert s["maxrss_kb"] > 0
    # the deal it moved is in the file: the app wrote through the real terminal's keys
    assert _count(Path(db), "SELECT count(*) FROM deals WHERE stage = 'qualified'") == 1
