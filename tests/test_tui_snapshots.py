"""SVG snapshots of every screen on a small seeded database, with the clock frozen.

Regenerate after a deliberate change of the look: `pytest tests/test_tui_snapshots.py
--snapshot-update`, then look at the SVGs (`tests/__snapshots__/`) before committing them.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input
from tui_helpers import seed, settled, wait_for

from termcrm.tui.app import CrmApp
from termcrm.tui.widgets.contact_table import ContactTable


@pytest.fixture
def app(db_path, store, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)  # snapshots in colour, to see the themes
    seed(store)
    app = CrmApp(db_target=str(db_path), refresh_every=None)
    app.animation_level = "none"  # the tabs' underline slides: no half-way frames
    return app


def no_blink(app) -> None:
    for widget in app.screen.query(Input):
        widget.cursor_blink = False


def contacts_shown(app) -> bool:
    """The contacts table shows its first page and the total (snap_compare runs the app
    itself, so the table is asked rather than its `PageShown` message recorded)."""
    tables = app.screen.query(ContactTable)
    return bool(tables) and tables.first().generation > 0 and tables.first().total is not None


async def until_ready(app, pilot) -> None:
    await wait_for(pilot, lambda: contacts_shown(app))
    no_blink(app)


def _first(app, selector: str, attribute: str):
    """`attribute` of the screen's first `selector`, None while there is none: the key that
    switches screens is still queued, or the new screen not yet composed (query_one raised
    NoMatches out of the wait then)."""
    found = app.screen.query(selector)
    return getattr(found.first(), attribute) if found else None


def steps(*keys: str, ready=None, then: tuple[str, ...] = (), done=None):
    """A run_before that waits for the contacts, presses `keys`, then waits for `ready`;
    then presses `then` and waits for `done` (keys for what `ready` waited to be there)."""

    async def run_before(pilot) -> None:
        app = pilot.app
        await until_ready(app, pilot)
        for batch, until in ((keys, ready), (then, done)):
            for key in batch:
                await pilot.press(key)
                await pilot.pause()
            if until is not None:
                await wait_for(pilot, lambda until=until: until(app))
        # every read finished and painted, even on a busy machine, before the picture
        no_blink(app)
        await settled(pilot)

    return run_before


def test_contacts_screen(snap_compare, app):
    assert snap_compare(app, terminal_size=(120, 36), run_before=steps())


def test_contacts_screen_at_80x24(snap_compare, app):
    assert snap_compare(app, terminal_size=(80, 24), run_before=steps())


def test_contacts_search(snap_compare, app):
    run = steps("slash", *"ace", ready=lambda a: a.screen.query_one(ContactTable).total == 2)
    assert snap_compare(app, terminal_size=(120, 36), run_before=run)


def test_contact_detail(snap_compare, app):
    def loaded(a):
        return getattr(a.screen, "detail", None) is not None

    assert snap_compare(app, terminal_size=(120, 36), run_before=steps("enter", ready=loaded))


def test_pipeline_screen(snap_compare, app):
    def loaded(a):
        return sum(c.loaded for c in a.screen.query("StageColumn")) == 3

    assert snap_compare(app, terminal_size=(120, 36), run_before=steps("2", ready=loaded))


def test_pipeline_at_80x24(snap_compare, app):
    def loaded(a):
        return sum(c.loaded for c in a.screen.query("StageColumn")) == 3

    assert snap_compare(app, terminal_size=(80, 24), run_before=steps("2", ready=loaded))


def test_agenda_screen(snap_compare, app):
    def loaded(a):
        return _first(a, "#agenda-overdue", "row_count")

    assert snap_compare(app, terminal_size=(120, 36), run_before=steps("3", ready=loaded))


def test_agenda_at_80x24(snap_compare, app):
    """The footer at 80 columns: ? help and q quit are there, first."""

    def loaded(a):
        return _first(a, "#agenda-overdue", "row_count")

    assert snap_compare(app, terminal_size=(80, 24), run_before=steps("3", ready=loaded))


def test_dashboard_screen(snap_compare, app):
    def loaded(a):
        return _first(a, "#chart-activity", "rows")

    assert snap_compare(app, terminal_size=(120, 36), run_before=steps("4", ready=loaded))


def test_dashboard_at_80x24(snap_compare, app):
    def loaded(a):
        return _first(a, "#chart-activity", "rows")

    assert snap_compare(app, terminal_size=(80, 24), run_before=steps("4", ready=loaded))


def test_log_form(snap_compare, app):
    assert snap_compare(app, terminal_size=(80, 24), run_before=steps("l"))


def test_invalid_contact_form(snap_compare, app):
    def shown(a):
        return len(a.screen.query(".field-error.shown")) == 1

    run = steps("n", *"Bad", "tab", *"nope@", "ctrl+s", ready=shown)
    assert snap_compare(app, terminal_size=(120, 36), run_before=run)


def test_help_screen(snap_compare, app):
    assert snap_compare(app, terminal_size=(120, 36), run_before=steps("question_mark"))


def test_light_theme(snap_compare, app):
    assert snap_compare(app, terminal_size=(120, 36), run_before=steps("ctrl+t"))


def test_contact_changes_tab(snap_compare, app, store):
    """The contact's changes (the audit trail): who changed what, and when; the consents
    on the card."""
    from termcrm.services import contacts, privacy, refs

    store.actor = "mia"
    with store.write() as s:
        ada = refs.contact(s, "Ada Lovelace")
        contacts.edit_contact(s, ada, stage="lead", title="Countess")
        privacy.set_consent(s, ada, "marketing", True, "mia")
    store.actor = None

    def on_changes(a):
        tabs = a.screen.query("TabbedContent")
        return tabs and tabs.first().active == "tab-changes" and a.screen.detail is not None

    run = steps("enter", "left", ready=on_changes)
    assert snap_compare(app, terminal_size=(120, 36), run_before=run)


def test_segment_picker(snap_compare, app, store):
    from termcrm.services import segments
    from termcrm.services.search import ContactQuery

    with store.write() as s:
        segments.save(s, "cold-leads", ContactQuery(stage="lead", contacted_before="60d"))
        segments.save(s, "vips", ContactQuery(tags=("vip",), has_open_deal=True))

    def listed(a):
        return getattr(a.screen, "segments", None) is not None

    assert snap_compare(app, terminal_size=(100, 24), run_before=steps("s", ready=listed))


def test_contacts_mine_in_a_segment(snap_compare, app, store):
    """The state in force is on screen: "mine" in the title and the owner box, the segment
    in the title and the count."""
    from termcrm.services import segments
    from termcrm.services.search import ContactQuery

    with store.write() as s:
        segments.save(s, "open-deals", ContactQuery(has_open_deal=True))

    def narrowed(a):
        table = a.screen.query(ContactTable)
        return table and table.first().total == 2 and table.first().filters.segment

    def listed(a):  # the picker fills its list in a worker: end and enter wait for it
        return getattr(a.screen, "segments", None) is not None

    run = steps("m", "s", ready=listed, then=("end", "enter"), done=narrowed)
    assert snap_compare(app, terminal_size=(120, 36), run_before=run)
