"""Two processes writing at once lose nothing and fail nothing (BEGIN IMMEDIATE + busy_timeout)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

WRITER = textwrap.dedent(
    """
    import sys
    from termcrm.services import contacts, interactions, refs
    from termcrm.store.engine import open_store

    store = open_store(sys.argv[1])
    for n in range(500):
        with store.write() as s:
            ada = refs.contact(s, "ada@example.com")
            interactions.log_interaction(s, ada, "note", f"{sys.argv[2]} {n}")
    """
)


def test_two_writers_each_adding_500_interactions_end_with_1000(crm, db_path):
    crm.ok("contact", "add", "Ada", "--email", "ada@example.com")
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db_path), name],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("left", "right")
    ]
    for p in procs:
        _, err = p.communicate(timeout=240)
        assert p.returncode == 0, err
    notes = crm.json("interactions", "--contact", "ada")
    assert len(notes) == 1000
    assert {n["summary"].split()[0] for n in notes} == {"left", "right"}


def test_duplicate_email_race_is_stopped_by_the_database(db_path):
    """Check-then-insert is not enough: the unique index decides, and the loser gets Conflict."""
    script = textwrap.dedent(
        """
        import sys
        from termcrm.errors import Conflict
        from termcrm.services import contacts
        from termcrm.store.engine import open_store

        store = open_store(sys.argv[1])
        conflicts = 0
        for n in range(200):
            try:
                with store.write() as s:
                    contacts.add_contact(s, "X", email=f"person{n}@example.com")
            except Conflict:
                conflicts += 1
        print(conflicts)
        """
    )
    from termcrm.store.engine import open_store

    open_store(str(db_path)).close()
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(db_path)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]  # fmt: skip
    conflicts = 0
    for p in procs:
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0, err
        conflicts += int(out.strip())
    import sqlite3

    count = sqlite3.connect(db_path).execute("select count(*) from contacts").fetchone()[0]
    assert count == 200
    assert conflicts == 200
