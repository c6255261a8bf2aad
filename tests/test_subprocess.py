"""The installed console scripts, run as real processes."""

from __future__ import annotations

import json


def test_installed_termcrm_adds_and_lists(run_termcrm):
    r = run_termcrm("contact", "add", "Ada Lovelace", "--email", "ada@example.com")
    assert r.returncode == 0, r.stderr
    r = run_termcrm("contact", "list", "--json")
    assert [c["name"] for c in json.loads(r.stdout)] == ["Ada Lovelace"]


def test_error_is_one_line_without_traceback(run_termcrm):
    r = run_termcrm("contact", "add", "Bob", "--email", "nope")
    assert r.returncode == 2
    assert r.stderr.startswith("Error: Invalid email 'nope'")
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_python_dash_m_and_version(run_termcrm):
    import subprocess
    import sys

    r = subprocess.run(
        [sys.executable, "-m", "termcrm", "--version"], capture_output=True, text=True
    )
    assert r.returncode == 0 and r.stdout.startswith("termcrm ")


def test_password_in_url_is_never_printed(run_termcrm):
    r = run_termcrm("--db", "postgresql+psycopg://bob:s3cret@127.0.0.1:1/nodb", "contact", "list")
    assert r.returncode == 1
    assert "s3cret" not in r.stderr + r.stdout
