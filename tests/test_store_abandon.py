"""`Store.abandon_when`: a read whose answer is no longer wanted stops at once (the TUI's
count for a search the user has typed on from)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from termcrm.errors import Abandoned

#: a read that takes millions of steps (a recursive count to 2 million)
LONG = text(
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000000)"
    " SELECT count(*) FROM n"
)


def test_a_stale_read_stops_and_the_session_reads_on(store):
    asked = []

    def stale() -> bool:
        asked.append(1)
        return len(asked) > 3  # typed on while it ran

    with store.read() as s:
        with pytest.raises(Abandoned), store.abandon_when(s, stale):
            s.execute(LONG).scalar_one()
        assert 3 < len(asked) < 100  # stopped early, not after its millions of steps
        assert s.execute(text("SELECT 41 + 1")).scalar_one() == 42  # no handler left behind


def test_a_wanted_read_runs_to_its_answer(store):
    with store.read() as s, store.abandon_when(s, lambda: False):
        assert s.execute(LONG).scalar_one() == 2000000


def test_an_error_that_is_not_a_stop_stays_an_error(store):
    from termcrm.errors import StoreError

    with pytest.raises(StoreError), store.read() as s, store.abandon_when(s, lambda: False):
        s.execute(text("SELECT * FROM no_such_table")).all()
