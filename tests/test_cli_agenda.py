"""`termcrm today`: every section of the agenda, the owner filter and the going-cold cadences
(clock frozen on Wednesday 2026-11-18 10:00 in Berlin)."""

from __future__ import annotations

from datetime import date

import pytest

from termcrm import dates


def _at(text: str):
    return dates.parse_when(text).at


def _contact(store, name, *, created="2026-01-05", stage="customer", cadence=None, owner=None):
    from termcrm.store.models import Contact

    with store.write() as s:
        c = Contact(
            name=name,
            stage=stage,
            cadence_days=cadence,
            owner=owner,
            created_at=_at(created),
            updated_at=_at(created),
        )
        s.add(c)
        s.flush()
        return c.id


def _interaction(store, contact_id, when, kind="call"):
    from termcrm.store.models import Interaction

    with store.write() as s:
        s.add(Interaction(contact_id=contact_id, kind=kind, occurred_at=_at(when), summary="hi"))


def _deal(store, title, close, *, stage="proposal", owner=None, contact_id=None):
    from termcrm.store.models import Deal

    with store.write() as s:
        d = Deal(
            title=title,
            stage=stage,
            expected_close=date.fromisoformat(close),
            value_minor=1_200_000,
            owner=owner,
            contact_id=contact_id,
        )
        s.add(d)
        s.flush()
        return d.id


def _titles(section):
    return [t["title"] for t in section]


@pytest.fixture
def day(crm, store):
    """A realistic day: tasks in every section, deals, and one contact going cold."""
    grace = _contact(store, "Grace Hopper", cadence=30)
    _interaction(store, grace, "2026-10-01 10:00")
    crm.ok("task", "add", "Very late", "--due", "2026-11-02", "--contact", "grace")
    crm.ok("task", "add", "Late", "--due", "2026-11-17")
    crm.ok("task", "add", "This morning", "--due", "today 08:30")
    crm.ok("task", "add", "Today", "--due", "today")
    crm.ok("task", "add", "Afternoon", "--due", "today 15:00", "--owner", "bob")
    crm.ok("task", "add", "Tomorrow", "--due", "tomorrow")
    crm.ok("task", "add", "In a week", "--due", "2026-11-25")
    crm.ok("task", "add", "Too far", "--due", "2026-11-26")
    crm.ok("task", "add", "No date")
    crm.ok("task", "done", str(crm.json("task", "add", "Done already", "--due", "today")["id"]))
    _deal(store, "Renewal", "2026-11-20", contact_id=grace)
    _deal(store, "Slipped", "2026-11-01", stage="negotiation", owner="bob")
    _deal(store, "Later", "2026-12-20")
    _deal(store, "Won it", "2026-11-19", stage="won")
    return grace


def test_every_section_in_json(crm, day):
    agenda = crm.json("today")
    assert agenda["date"] == "2026-11-18"
    assert _titles(agenda["overdue"]) == ["Very late", "Late", "This morning"]
    assert [t["when"] for t in agenda["overdue"]] == ["16 days late", "1 day late", "1 hour late"]
    assert [t["days_late"] for t in agenda["overdue"]] == [16, 1, 0]
    assert agenda["overdue"][0]["contact"] == "Grace Hopper"
    assert _titles(agenda["due_today"]) == ["Today", "Afternoon"]
    assert _titles(agenda["next_7_days"]) == ["Tomorrow", "In a week"]
    deals = agenda["deals_closing"]
    assert [d["title"] for d in deals] == ["Slipped", "Renewal"]
    assert [(d["days_to_close"], d["past_close"]) for d in deals] == [(-17, True), (2, False)]
    assert deals[1]["contact"] == "Grace Hopper"
    cold = agenda["going_cold"]
    assert [(c["name"], c["cadence_days"], c["days_since"], c["days_overdue"]) for c in cold] == [
        ("Grace Hopper", 30, 48, 18)
    ]
    assert cold[0]["last_interaction_at"] == "2026-10-01T08:00:00+00:00"
    assert agenda["counts"] == {
        "overdue": 3,
        "due_today": 2,
        "next_7_days": 2,
        "deals_closing": 2,
        "open_cases": 0,
        "going_cold": 1,
    }


def test_owner_filter(crm, day):
    agenda = crm.json("today", "--owner", "bob")
    assert _titles(agenda["overdue"]) == []
    assert _titles(agenda["due_today"]) == ["Afternoon"]
    assert [d["title"] for d in agenda["deals_closing"]] == ["Slipped"]
    assert agenda["going_cold"] == []
    mine = crm.json("today", "--mine")
    assert "Afternoon" not in _titles(mine["due_today"]) and mine["owner"] == "tester"


def test_rich_text_output(crm, day):
    text = crm.ok("today")
    assert text.startswith("Today · Wednesday 18 November 2026")
    for heading in (
        "Overdue (3)",
        "Due today (2)",
        "Next 7 days (2)",
        "Deals closing (2)",
        "Going cold (1)",
    ):
        assert heading in text
    assert "16 days late" in text and "17 days past close" in text
    assert "last touch 48 days ago (every 30 days)" in text
    assert text.index("Very late") < text.index("Late ") < text.index("Tomorrow")
    assert "Too far" not in text and "Done already" not in text and "No date" not in text


def test_nothing_due(crm):
    assert (
        crm.ok("today").splitlines()[-1]
        == "Nothing due. No deal closing, no open case, nobody going cold."
    )
    agenda = crm.json("today")
    assert all(agenda[k] == [] for k in ("overdue", "due_today", "next_7_days", "going_cold"))


def test_cadence_clock_restarts_with_a_new_interaction(crm, store):
    ada = _contact(store, "Ada Lovelace", cadence=30)
    _interaction(store, ada, "2026-09-01 12:00")
    assert [c["name"] for c in crm.json("today")["going_cold"]] == ["Ada Lovelace"]
    _interaction(store, ada, "2026-11-10 12:00", kind="email")  # any kind counts
    assert crm.json("today")["going_cold"] == []
    # the cadence is a window, not a date: exactly 30 days ago is still fine, 31 is cold
    _contact_30 = _contact(store, "Exactly", cadence=30)
    _interaction(store, _contact_30, "2026-10-19 23:00")
    _contact_31 = _contact(store, "One more", cadence=30)
    _interaction(store, _contact_31, "2026-10-18 09:00")
    assert [c["name"] for c in crm.json("today")["going_cold"]] == ["One more"]


def test_stage_defaults_and_never(crm, store):
    _contact(store, "Customer quiet", created="2026-09-01", stage="customer")  # 78 days > 60
    _contact(store, "Customer recent", created="2026-10-01", stage="customer")  # 48 < 60
    _contact(store, "Prospect quiet", created="2026-10-01", stage="prospect")  # 48 > 30
    _contact(store, "Lead quiet", created="2025-01-01", stage="lead")  # leads: no default
    _contact(store, "Never", created="2025-01-01", stage="customer", cadence=0)
    _contact(store, "Churned", created="2025-01-01", stage="churned")
    names = [c["name"] for c in crm.json("today")["going_cold"]]
    assert names == ["Customer quiet", "Prospect quiet"]  # customers first


def test_contact_edit_cadence_counts_from_creation_without_interactions(crm, store):
    _contact(store, "Linus", created="2026-11-01", stage="lead")
    assert crm.json("today")["going_cold"] == []
    crm.ok("contact", "edit", "linus", "--cadence", "1w")
    cold = crm.json("today")["going_cold"]
    assert [(c["name"], c["last_interaction_at"], c["days_since"]) for c in cold] == [
        ("Linus", None, 17)
    ]
    assert "no interaction yet 17 days ago" in crm.ok("today")


def test_config_file_sets_stage_defaults(crm, store, tmp_path, monkeypatch):
    _contact(store, "Lead quiet", created="2026-10-01", stage="lead")
    _contact(store, "Customer quiet", created="2026-09-01", stage="customer")
    cfg = tmp_path / "home/.config/termcrm/config.toml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text('[cadence]\nlead = "14d"\ncustomer = "never"\n')
    assert [c["name"] for c in crm.json("today")["going_cold"]] == ["Lead quiet"]
    other = tmp_path / "other.toml"
    other.write_text("[cadence]\nlead = 0\ncustomer = 90\n")
    monkeypatch.setenv("TERMCRM_CONFIG", str(other))
    assert crm.json("today")["going_cold"] == []
    other.write_text("[cadence]\nvip = '3d'\n")
    r = crm("today")
    assert r.exit_code == 2 and "Unknown stage 'vip' in [cadence]" in r.stderr
    other.write_text("[cadence\n")
    r = crm("today")
    assert r.exit_code == 2 and r.stderr.startswith(f"Error: The config file {other} is not valid")


def test_sections_are_capped_with_full_counts(store):
    from termcrm.services import agenda, tasks

    with store.write() as s:
        for i in range(30):
            tasks.add_task(s, f"Old {i}", due="2026-11-01", actor="tester")
    with store.read() as s:
        built = agenda.build(s, limit=25)
    assert len(built.overdue) == 25 and built.counts["overdue"] == 30


def test_rich_view_on_a_terminal_has_the_same_content(crm, day, store):
    from rich.console import Console

    from termcrm.render.agenda import agenda_view, plain_lines
    from termcrm.services import agenda

    with store.read() as s:
        built = agenda.build(s)
    console = Console(width=120, record=True, color_system=None)
    console.print(agenda_view(built))
    rich_text = console.export_text()
    for line in plain_lines(built):
        assert " ".join(line.split()) in " ".join(rich_text.split())


def test_going_cold_caps_the_list_and_the_count(store):
    from termcrm.services import cadence

    ids = [
        _contact(store, f"P{i}", created=f"2026-0{1 + i % 8}-01", cadence=10, stage="lead")
        for i in range(25)
    ]
    _contact(store, "Customer", created="2026-09-01", stage="customer")
    with store.read() as s:
        shown, total = cadence.going_cold(s, limit=20)
        assert total == 26 and len(shown) == 20
        assert shown[0].contact.name == "Customer"  # customers first
        assert [c.contact.id for c in shown[1:]] == ids[:19]  # then in the order added
        assert cadence.going_cold(s, limit=20, count_cap=22)[1] == 22
        every, total = cadence.going_cold(s, limit=None)
    assert total == 26
    touched = [c.last_touch_at for c in every]
    assert touched == sorted(touched)  # longest untouched first


def test_logging_through_the_cli_restarts_the_clock_and_adds_follow_ups(crm, store):
    _contact(store, "Ada Lovelace", cadence=14, created="2026-10-01")
    assert [c["name"] for c in crm.json("today")["going_cold"]] == ["Ada Lovelace"]
    crm.ok("log", "call", "ada", "Renewal talk", "--when", "yesterday", "--follow-up", "tomorrow")
    agenda = crm.json("today")
    assert agenda["going_cold"] == []
    assert [(t["title"], t["contact"]) for t in agenda["next_7_days"]] == [
        ("Follow up: Renewal talk", "Ada Lovelace")
    ]


def test_config_path_agrees_with_platformdirs(monkeypatch):
    import platformdirs

    from termcrm import config

    expected = platformdirs.user_config_path("termcrm") / "config.toml"
    assert config.config_path() == expected
    monkeypatch.delenv("XDG_CONFIG_HOME")
    assert config.config_path() == platformdirs.user_config_path("termcrm") / "config.toml"
