"""Every field-specific `Invalid` a service raises names its field (`Invalid.field`), so a
form marks the right input without guessing from the message."""

from __future__ import annotations

import pytest

from termcrm.errors import Invalid
from termcrm.services import cases, companies, contacts, deals, interactions, tasks

LONG = "x" * 600


def _contact(s):
    return contacts.add_contact(s, "Zoë Ölstad")


CASES = [
    ("name", lambda s: contacts.add_contact(s, " ")),
    ("email", lambda s: contacts.add_contact(s, "Zoë", email="not an email")),
    ("title", lambda s: contacts.add_contact(s, "Zoë", title=LONG)),
    ("stage", lambda s: contacts.add_contact(s, "Zoë", stage="friend")),
    ("tags", lambda s: contacts.add_contact(s, "Zoë", tags=["ok", " "])),
    ("fields", lambda s: contacts.parse_fields(["no equals sign"])),
    ("cadence", lambda s: contacts.parse_cadence("often")),
    ("title", lambda s: deals.add_deal(s, " ", contact=_contact(s), value="1")),
    ("value", lambda s: deals.add_deal(s, "Deal", contact=_contact(s), value="12,5x")),
    ("value", lambda s: deals.add_deal(s, "Deal", contact=_contact(s), value="-3")),
    ("currency", lambda s: deals.add_deal(s, "D", contact=_contact(s), value="1", currency="€")),
    (
        "probability",
        lambda s: deals.add_deal(s, "D", contact=_contact(s), value="1", probability="150"),
    ),
    ("close", lambda s: deals.add_deal(s, "D", contact=_contact(s), value="1", close="someday")),
    ("title", lambda s: tasks.add_task(s, "")),
    ("due", lambda s: tasks.add_task(s, "Call", due="the day after never")),
    ("recur", lambda s: tasks.add_task(s, "Call", due="tomorrow", recur="fortnightly-ish")),
    ("priority", lambda s: tasks.add_task(s, "Call", priority="urgent!")),
    ("until", lambda s: tasks.snooze_task(s, tasks.add_task(s, "Call"), "whenever")),
    ("until", lambda s: tasks.snooze_task(s, tasks.add_task(s, "Call"), "2020-01-01")),
    ("kind", lambda s: interactions.log_interaction(s, _contact(s), "fax", "Hi")),
    ("summary", lambda s: interactions.log_interaction(s, _contact(s), "call", "\t")),
    ("when", lambda s: interactions.log_interaction(s, _contact(s), "call", "Hi", when="blue")),
    (
        "direction",
        lambda s: interactions.log_interaction(s, _contact(s), "call", "Hi", direction="up"),
    ),
    (
        "duration",
        lambda s: interactions.log_interaction(s, _contact(s), "call", "Hi", duration="long"),
    ),
    (
        "follow_up",
        lambda s: interactions.log_interaction(s, _contact(s), "call", "Hi", follow_up="nope"),
    ),
    ("subject", lambda s: cases.open_case(s, _contact(s), "")),
    ("when", lambda s: cases.open_case(s, _contact(s), "Broken", when="blue")),
    ("name", lambda s: companies.add_company(s, "")),
]


@pytest.mark.parametrize(("field", "call"), CASES, ids=[f"{n}:{c[0]}" for n, c in enumerate(CASES)])
def test_an_invalid_input_names_its_field(store, field, call):
    with pytest.raises(Invalid) as bad, store.write() as s:
        call(s)
    assert bad.value.field == field, bad.value.message


SEVERAL = [
    (
        lambda s: contacts.add_contact(s, "Zoë", email="zoë@", cadence_days="often", tags=[" "]),
        ["email", "cadence", "tags"],
    ),
    (
        lambda s: contacts.add_contact(s, " ", email="bad"),  # no name-or-email on top
        ["email"],
    ),
    (
        lambda s: tasks.add_task(s, " ", due="blorf", priority="asap", recur="never ever"),
        ["title", "due", "priority", "recur"],
    ),
    (
        lambda s: deals.add_deal(s, " ", contact=_contact(s), value="x", probability="101"),
        ["title", "value", "probability"],
    ),
    (
        lambda s: interactions.log_interaction(
            s, _contact(s), "fax", " ", when="blorf", follow_up="blorf"
        ),
        ["kind", "when", "summary", "follow_up"],
    ),
    (
        lambda s: companies.add_company(s, " ", domain=LONG, fields=["=x"]),
        ["name", "domain", "fields"],
    ),
]


@pytest.mark.parametrize(("call", "fields"), SEVERAL, ids=[" ".join(f) for _, f in SEVERAL])
def test_every_invalid_input_is_reported_at_once(store, call, fields):
    with store.write() as s, pytest.raises(Invalid) as caught:
        call(s)
    assert [p.field for p in caught.value.problems] == fields
    assert caught.value.field == fields[0]
    assert caught.value.message.splitlines() == [p.message for p in caught.value.problems]
