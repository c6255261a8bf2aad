"""`services.agenda.build` for a view that shows some sections only (the TUI's agenda has no
open cases): the same lists and counts for those, nothing read for the others."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from termcrm.services import agenda, cases


def _statements(store, run) -> list[str]:
    seen: list[str] = []

    def log(conn, cursor, statement, *args) -> None:
        seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", log)
    try:
        with store.read() as s:
            run(s)
    finally:
        event.remove(store.engine, "before_cursor_execute", log)
    return seen


def test_some_sections_only(store, ids):
    from termcrm.store.models import Contact

    with store.write() as s:
        cases.open_case(s, s.get(Contact, ids["ada"]), "Engine stalls", actor="tester")
    with store.read() as s:
        full = agenda.build(s)
        some = agenda.build(s, sections=("overdue", "next_7_days", "going_cold"))
    assert [t.title for t in some.overdue] == [t.title for t in full.overdue] != []
    assert [t.title for t in some.next_7_days] == [t.title for t in full.next_7_days] != []
    assert [c.contact.id for c in some.going_cold] == [c.contact.id for c in full.going_cold]
    assert full.open_cases and full.deals_closing
    assert not some.open_cases and not some.deals_closing and not some.due_today
    assert some.counts == {k: full.counts[k] for k in ("overdue", "next_7_days", "going_cold")}
    assert some.contact_name(some.overdue[0].contact_id) == "Grace Hopper"
    with store.read() as s, pytest.raises(ValueError, match="unknown agenda sections: cases"):
        agenda.build(s, sections=("cases",))


def test_a_section_left_out_is_not_read(store, ids):
    without_cases = [n for n in agenda.SECTIONS if n != "open_cases"]
    everything = _statements(store, agenda.build)
    fewer = _statements(store, lambda s: agenda.build(s, sections=without_cases))
    assert any("FROM cases" in q for q in everything)
    assert not any("FROM cases" in q for q in fewer)
