"""Each KPI on a small hand-built data set, the expected figure worked out by hand.

The period under test is 1-15 November 2026 (UTC); the previous period of the same length
is 18 October - 1 November. Records are inserted directly with explicit timestamps.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from termcrm.services import kpis
from termcrm.store.models import (
    Case,
    Contact,
    ContactStageChange,
    Deal,
    DealStageChange,
    Interaction,
    Task,
)

SINCE = datetime(2026, 11, 1, tzinfo=UTC)
UNTIL = datetime(2026, 11, 15, tzinfo=UTC)


def at(month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def report(store, owner=None, since=SINCE, until=UNTIL):
    with store.read() as s:
        full = kpis.compute(s, since=since, until=until, owner=owner)
        # what the TUI dashboard asks for, the current period alone: the same figures
        alone = kpis.compute(s, since=since, until=until, owner=owner, previous=False)
    assert alone.current == full.current and not alone.previous
    return full


def contact(s, name, path, owner=None):
    """A contact whose stage history is `path`: [(stage, when), ...], the first its creation."""
    c = Contact(name=name, stage=path[-1][0], owner=owner, created_at=path[0][1])
    s.add(c)
    s.flush()
    prev = None
    for stage, when in path:
        s.add(ContactStageChange(contact_id=c.id, from_stage=prev, to_stage=stage, changed_at=when))
        prev = stage
    s.flush()
    return c


def deal(s, path, value, currency="EUR", contact_id=None, owner=None, probability=None):
    """A deal with stage history `path`; won/lost as the last stage sets closed_at."""
    stage, last = path[-1]
    d = Deal(
        title="Deal",
        contact_id=contact_id,
        value_minor=value,
        currency=currency,
        stage=stage,
        probability=probability,
        owner=owner,
        created_at=path[0][1],
        closed_at=last if stage in ("won", "lost") else None,
    )
    s.add(d)
    s.flush()
    prev = None
    for st, when in path:
        s.add(DealStageChange(deal_id=d.id, from_stage=prev, to_stage=st, changed_at=when))
        prev = st
    s.flush()
    return d


def survey(s, contact_id, metric, score, when, logged_by=None):
    s.add(
        Interaction(
            contact_id=contact_id,
            kind="survey",
            occurred_at=when,
            summary=f"{metric.upper()} {score}",
            metric=metric,
            score=score,
            logged_by=logged_by,
        )
    )
    s.flush()


# -- sales ------------------------------------------------------------------------------------


def test_sales_win_rate_values_per_currency_cycle_and_growth(store):
    with store.write() as s:
        # this period: 3 won (2 EUR, 1 USD), 1 lost
        deal(s, [("lead", at(10, 2)), ("won", at(11, 2))], 100_000)  # 31 days
        deal(s, [("lead", at(10, 22)), ("proposal", at(10, 25)), ("won", at(11, 11))], 50_050)  # 20
        deal(s, [("lead", at(11, 3)), ("won", at(11, 12))], 20_000, "USD")  # 9 days
        deal(s, [("lead", at(10, 1)), ("lost", at(11, 5))], 70_000)
        # previous period: 1 won EUR 1000.00, 1 lost
        deal(s, [("lead", at(10, 1)), ("won", at(10, 20))], 100_000)
        deal(s, [("lead", at(10, 1)), ("lost", at(10, 21))], 5_000, "USD")
        # outside both periods: ignored
        deal(s, [("lead", at(10, 1)), ("won", at(11, 16))], 999_900)
        deal(s, [("lead", at(9, 1)), ("won", at(10, 1))], 999_900)
    r = report(store)
    sales = r.to_dict()["sales"]
    assert sales["won"] == 3
    assert sales["lost"] == 1
    assert sales["win_rate"] == 0.75
    assert sales["won_value"] == {"EUR": "1500.50", "USD": "200.00"}
    assert sales["lost_value"] == {"EUR": "700.00"}
    assert sales["avg_deal_size"] == {"EUR": "750.25", "USD": "200.00"}
    assert sales["avg_sales_cycle_days"] == pytest.approx((31 + 20 + 9) / 3, abs=0.01)
    # EUR 1500.50 vs 1000.00 before: +50.05 %; USD had no won value before: n/a
    assert sales["sales_growth"] == {"EUR": 0.5005, "USD": None}
    prev = sales["previous"]
    assert (prev["won"], prev["lost"], prev["win_rate"]) == (1, 1, 0.5)
    assert prev["won_value"] == {"EUR": "1000.00"}


def test_win_rate_tie_and_empty_period(store):
    with store.write() as s:
        deal(s, [("lead", at(11, 1, 9)), ("won", at(11, 3))], 100)
        deal(s, [("lead", at(11, 1, 9)), ("lost", at(11, 3))], 100)
    sales = report(store).to_dict()["sales"]
    assert sales["win_rate"] == 0.5
    assert sales["previous"]["win_rate"] is None  # nothing closed: n/a, not an error
    assert sales["previous"]["avg_sales_cycle_days"] is None
    assert sales["previous"]["avg_deal_size"] == {}


def test_a_deal_closed_exactly_at_the_period_end_belongs_to_the_next(store):
    with store.write() as s:
        deal(s, [("lead", at(10, 1)), ("won", UNTIL)], 100)
        deal(s, [("lead", at(10, 1)), ("won", SINCE)], 200)
    sales = report(store).to_dict()["sales"]
    assert sales["won"] == 1
    assert sales["won_value"] == {"EUR": "2.00"}


# -- pipeline ---------------------------------------------------------------------------------


def test_pipeline_at_the_end_and_at_the_start_of_the_period(store):
    with store.write() as s:
        # open at both ends, in proposal (50 %): EUR 1000
        deal(s, [("lead", at(10, 1)), ("proposal", at(10, 20))], 100_000)
        # created in the period: only in the end pipeline, explicit probability 90 %
        deal(s, [("lead", at(11, 5))], 20_000, "USD", probability=90)
        # moved lead -> qualified in the period: lead at the start, qualified at the end
        deal(s, [("lead", at(10, 10)), ("qualified", at(11, 6))], 40_000)
        # won in the period: open (negotiation) at the start only
        deal(s, [("lead", at(10, 1)), ("negotiation", at(10, 5)), ("won", at(11, 7))], 80_000)
        # created after the period: in neither
        deal(s, [("lead", at(11, 17))], 10_000)
    # at the end of the period (15 Nov): proposal EUR 1000, lead USD 200, qualified EUR 400
    r = report(store).to_dict()["pipeline"]
    assert r["open_deals"] == 3
    assert r["open_value"] == {"EUR": "1400.00", "USD": "200.00"}
    # weighted: 1000 x 50 % + 400 x 25 % = 600 EUR; 200 x 90 % = 180 USD
    assert r["weighted_value"] == {"EUR": "600.00", "USD": "180.00"}
    assert r["by_stage"]["qualified"] == {
        "deals": 1,
        "value": {"EUR": "400.00"},
        "weighted_value": {"EUR": "100.00"},
    }
    assert r["by_stage"]["negotiation"]["deals"] == 0
    # at the start (1 Nov): proposal EUR 1000, lead EUR 400 (10 %), negotiation EUR 800 (75 %)
    prev = r["previous"]
    assert prev["open_deals"] == 3
    assert prev["open_value"] == {"EUR": "2200.00"}
    assert prev["weighted_value"] == {"EUR": "1140.00"}
    assert prev["by_stage"]["lead"]["deals"] == 1


# -- leads and customers ----------------------------------------------------------------------


def test_new_leads_and_conversion_rate(store):
    with store.write() as s:
        contact(s, "A", [("lead", at(11, 2)), ("prospect", at(11, 4)), ("customer", at(11, 9))])
        contact(s, "B", [("lead", at(11, 3)), ("customer", at(11, 20))])  # converts too late
        contact(s, "C", [("prospect", at(10, 1)), ("lead", at(11, 5))])  # moved back to lead
        contact(s, "D", [("customer", at(11, 6))])  # never a lead in the period
        contact(s, "E", [("lead", at(10, 25)), ("customer", at(11, 2))])  # lead before
    leads = report(store).to_dict()["leads"]
    assert leads["new_leads"] == 3  # A, B, C
    assert leads["converted"] == 1  # A
    assert leads["conversion_rate"] == pytest.approx(1 / 3, abs=1e-4)
    prev = leads["previous"]
    assert (prev["new_leads"], prev["converted"], prev["conversion_rate"]) == (1, 0, 0.0)


def test_retention_new_and_churned_customers(store):
    with store.write() as s:
        # customers at the start (1 Nov): K1, K2, K3, K4
        contact(s, "K1", [("lead", at(9, 1)), ("customer", at(9, 10))])
        contact(s, "K2", [("lead", at(9, 1)), ("customer", at(9, 10)), ("churned", at(11, 4))])
        contact(s, "K3", [("customer", at(10, 1))])
        contact(
            s, "K4", [("customer", at(10, 30)), ("churned", at(11, 2)), ("customer", at(11, 8))]
        )
        # new in the period: N1 (stays), N2 (churns again within it)
        contact(s, "N1", [("lead", at(10, 1)), ("customer", at(11, 3))])
        contact(s, "N2", [("customer", at(11, 3)), ("churned", at(11, 10))])
        # after the period
        contact(s, "L", [("customer", at(11, 16))])
    c = report(store).to_dict()["customers"]
    assert c["customers_at_start"] == 4
    assert c["customers_at_end"] == 4  # K1, K3, K4, N1
    assert c["new_customers"] == 2  # N1, N2 (K4 was a customer at the start)
    assert c["churned_customers"] == 3  # K2, K4, N2
    # (customers at end - new customers among them) / customers at start = (4 - 1) / 4
    assert c["retention_rate"] == 0.75
    prev = c["previous"]
    # 18 Oct: K1, K2, K3; 1 Nov: those and K4 (new); retention (4 - 1) / 3
    assert (prev["customers_at_start"], prev["customers_at_end"]) == (3, 4)
    assert (prev["new_customers"], prev["churned_customers"]) == (1, 0)
    assert prev["retention_rate"] == 1.0


def test_retention_without_customers_at_the_start_is_na(store):
    with store.write() as s:
        contact(s, "N", [("customer", at(11, 3))])
    c = report(store).to_dict()["customers"]
    assert c["customers_at_start"] == 0
    assert c["retention_rate"] is None


def test_clv_is_won_value_per_customer_with_a_won_deal_per_currency(store):
    with store.write() as s:
        a = contact(s, "A", [("customer", at(1, 1))])
        b = contact(s, "B", [("customer", at(1, 1))])
        deal(s, [("lead", at(1, 1)), ("won", at(3, 1))], 100_000, contact_id=a.id)
        deal(s, [("lead", at(1, 1)), ("won", at(11, 3))], 50_000, contact_id=a.id)
        deal(s, [("lead", at(1, 1)), ("won", at(6, 1))], 30_000, contact_id=b.id)
        deal(s, [("lead", at(1, 1)), ("won", at(6, 1))], 12_345, "USD", contact_id=b.id)
        deal(s, [("lead", at(1, 1)), ("lost", at(6, 1))], 99_900, contact_id=b.id)
        deal(s, [("lead", at(1, 1)), ("won", at(11, 20))], 99_900, contact_id=b.id)  # later
        deal(s, [("lead", at(1, 1)), ("won", at(6, 1))], 77_700)  # its contact was deleted
    c = report(store).to_dict()["customers"]
    # EUR: (1000 + 500 + 300) / 2 customers; USD: 123.45 / 1
    assert c["clv"] == {"EUR": "900.00", "USD": "123.45"}
    assert c["clv_customers"] == {"EUR": 2, "USD": 1}
    assert c["lifetime_won_value"] == {"EUR": "1800.00", "USD": "123.45"}
    # as of 1 Nov the 500 EUR deal was not won yet: (1000 + 300) / 2
    assert c["previous"]["clv"] == {"EUR": "650.00", "USD": "123.45"}


# -- satisfaction -----------------------------------------------------------------------------


def test_nps_uses_each_contacts_latest_answer_and_csat_every_answer(store):
    with store.write() as s:
        ids = [contact(s, n, [("customer", at(1, 1))]).id for n in "ABCDE"]
        a, b, c, d, e = ids
        survey(s, a, "nps", 3, at(11, 2))  # A answered twice: 3 then 10 -> promoter
        survey(s, a, "nps", 10, at(11, 9))
        survey(s, b, "nps", 6, at(11, 3))  # detractor
        survey(s, c, "nps", 8, at(11, 4))  # passive
        survey(s, d, "nps", 9, at(11, 5, 10))  # two answers at the same moment: the later
        survey(s, d, "nps", 0, at(11, 5, 10))  # recorded one (higher id) counts -> detractor
        survey(s, e, "nps", 10, at(10, 20))  # previous period only
        survey(s, e, "nps", 2, at(11, 16))  # after the period
        for score in (5, 4, 3, 1):
            survey(s, e, "csat", score, at(11, 6))
    sat = report(store).to_dict()["satisfaction"]
    assert sat["nps_responses"] == 4
    assert (sat["promoters"], sat["passives"], sat["detractors"]) == (1, 1, 2)
    assert sat["nps"] == -25.0  # (1 - 2) / 4 x 100
    assert sat["csat"] == 0.5  # 2 of 4 answers are 4 or 5
    assert sat["csat_responses"] == 4
    prev = sat["previous"]
    assert (prev["nps"], prev["nps_responses"], prev["csat"]) == (100.0, 1, None)


def test_nps_rounds_to_one_decimal(store):
    with store.write() as s:
        for i, score in enumerate((10, 0, 0)):
            c = contact(s, f"C{i}", [("customer", at(1, 1))])
            survey(s, c.id, "nps", score, at(11, 3))
    assert report(store).current["satisfaction"]["nps"] == -33.3


# -- service ----------------------------------------------------------------------------------


def test_cases_opened_resolved_open_and_resolution_time(store):
    with store.write() as s:
        c = contact(s, "A", [("customer", at(1, 1))])

        def case(opened, resolved=None, owner=None):
            s.add(
                Case(
                    contact_id=c.id,
                    subject="x",
                    status="resolved" if resolved else "open",
                    opened_at=opened,
                    resolved_at=resolved,
                    owner=owner,
                )
            )

        case(at(11, 2, 8), at(11, 2, 18))  # 10 h
        case(at(10, 30, 12), at(11, 3, 8))  # opened before, resolved in: 92 h
        case(at(11, 10))  # still open
        case(at(11, 14), at(11, 16))  # resolved after the end: open at the end
        case(at(10, 20), at(10, 21))  # previous period: 24 h
    svc = report(store).to_dict()["service"]
    assert svc["cases_opened"] == 3
    assert svc["cases_resolved"] == 2
    assert svc["cases_open"] == 2
    assert svc["avg_resolution_hours"] == 51.0  # (10 + 92) / 2
    prev = svc["previous"]
    assert (prev["cases_opened"], prev["cases_resolved"], prev["cases_open"]) == (2, 1, 1)
    assert prev["avg_resolution_hours"] == 24.0


# -- activity ---------------------------------------------------------------------------------


def test_interactions_by_kind_and_per_week(store):
    with store.write() as s:
        c = contact(s, "A", [("customer", at(1, 1))])
        for kind, when in (
            ("call", at(11, 1, 0)),  # first instant of the period
            ("call", at(11, 7)),
            ("email", at(11, 8, 0)),  # 8 Nov 00:00 starts the last full week
            ("email", at(11, 14, 23, 59)),
            ("meeting", at(11, 15)),  # after the end
            ("note", at(10, 31)),  # previous period
        ):
            s.add(Interaction(contact_id=c.id, kind=kind, occurred_at=when, summary="x"))
    act = report(store).to_dict()["activity"]
    assert act["interactions"] == 4
    assert act["by_kind"]["call"] == 2
    assert act["by_kind"]["email"] == 2
    assert act["by_kind"]["meeting"] == 0
    # two 7-day buckets ending at the period's end: 1-8 Nov and 8-15 Nov
    assert [w["interactions"] for w in act["per_week"]] == [2, 2]
    assert act["per_week"][1]["start"] == "2026-11-08T00:00:00+00:00"
    assert act["previous"]["interactions"] == 1
    assert act["previous"]["by_kind"]["note"] == 1


def test_tasks_on_time_late_and_overdue(store):
    from datetime import timedelta

    with store.write() as s:

        def task(due, done=None, has_time=True, created=at(10, 1)):
            s.add(
                Task(
                    title="t",
                    due_at=due,
                    due_has_time=has_time,
                    done_at=done,
                    created_at=created,
                )
            )

        task(at(11, 5), at(11, 4))  # on time
        task(at(11, 5), at(11, 6))  # late
        task(None, at(11, 6))  # no due date: on time
        # due on the date 5 Nov (local midnight), done that evening: on time
        day = datetime(2026, 11, 4, 23, tzinfo=UTC)  # 5 Nov 00:00 in Berlin
        task(day, day + timedelta(hours=20), has_time=False)
        task(at(11, 10), None)  # open and overdue at the end
        task(at(11, 10), at(11, 20))  # done after the end: overdue at the end
        task(at(11, 20), None)  # not due yet at the end
    act = report(store).to_dict()["activity"]
    assert act["tasks_completed"] == 4
    assert (act["tasks_on_time"], act["tasks_late"]) == (3, 1)
    assert act["overdue_tasks"] == 2
    assert act["previous"]["overdue_tasks"] == 0


# -- owner ------------------------------------------------------------------------------------


def test_owner_filters_deals_cases_tasks_interactions_and_contacts(store):
    with store.write() as s:
        a = contact(s, "A", [("lead", at(11, 2))], owner="alice")
        contact(s, "B", [("lead", at(11, 2))], owner="bob")
        deal(s, [("lead", at(10, 1)), ("won", at(11, 3))], 100, owner="alice")
        deal(s, [("lead", at(10, 1)), ("lost", at(11, 3))], 100, owner="bob")
        deal(s, [("lead", at(11, 3))], 500, owner="bob")
        s.add(Case(contact_id=a.id, subject="x", opened_at=at(11, 3), owner="bob"))
        s.add(Task(title="t", due_at=at(11, 5), owner="alice"))
        s.add(Interaction(contact_id=a.id, kind="call", occurred_at=at(11, 4), summary="x",
                          logged_by="alice"))  # fmt: skip
        s.add(Interaction(contact_id=a.id, kind="call", occurred_at=at(11, 4), summary="x",
                          logged_by="bob"))  # fmt: skip
        survey(s, a.id, "nps", 10, at(11, 5), logged_by="bob")
    alice = report(store, owner="Alice").to_dict()
    assert alice["period"]["owner"] == "Alice"
    assert (alice["sales"]["won"], alice["sales"]["lost"]) == (1, 0)
    assert alice["sales"]["win_rate"] == 1.0
    assert alice["pipeline"]["open_deals"] == 0
    assert alice["service"]["cases_opened"] == 0
    assert alice["activity"]["overdue_tasks"] == 1
    assert alice["activity"]["interactions"] == 1
    assert alice["satisfaction"]["nps_responses"] == 0
    assert alice["leads"]["new_leads"] == 1
    everyone = report(store).to_dict()
    assert everyone["sales"]["win_rate"] == 0.5
    assert everyone["pipeline"]["open_value"] == {"EUR": "5.00"}
    assert everyone["activity"]["interactions"] == 3
    assert everyone["leads"]["new_leads"] == 2


def test_empty_database_gives_zeros_and_nulls(store):
    r = report(store)
    data = r.to_dict()
    assert data["sales"]["win_rate"] is None
    assert data["leads"]["conversion_rate"] is None
    assert data["customers"]["retention_rate"] is None
    assert data["customers"]["clv"] == {}
    assert data["satisfaction"]["nps"] is None
    assert data["satisfaction"]["csat"] is None
    assert data["service"]["avg_resolution_hours"] is None
    assert data["activity"]["overdue_tasks"] == 0
    assert data["pipeline"]["open_value"] == {}


def test_since_not_before_until_is_invalid(store):
    from termcrm.errors import Invalid

    with pytest.raises(Invalid), store.read() as s:
        kpis.compute(s, since=UNTIL, until=SINCE)


def test_long_periods_count_every_week(store):
    from datetime import timedelta

    since = UNTIL - timedelta(days=600)  # 86 weeks a period: counted in several statements
    with store.write() as s:
        c = contact(s, "A", [("customer", at(1, 1))])
        for when in (since, since + timedelta(days=300), UNTIL - timedelta(seconds=1)):
            s.add(Interaction(contact_id=c.id, kind="email", occurred_at=when, summary="x"))
        s.add(Interaction(contact_id=c.id, kind="note", occurred_at=since - timedelta(days=1),
                          summary="x"))  # fmt: skip
    act = report(store, since=since).to_dict()["activity"]
    assert len(act["per_week"]) == 86
    assert act["interactions"] == 3
    assert sum(w["interactions"] for w in act["per_week"]) == 3
    assert act["per_week"][-1]["interactions"] == 1
    assert act["per_week"][0]["start"] == since.isoformat()  # the oldest week is the short one
    assert act["previous"]["by_kind"]["note"] == 1
    assert act["previous"]["per_week"][-1]["interactions"] == 1


def test_own_probability_counts_only_in_the_deals_current_stage(store):
    with store.write() as s:
        # qualified at the start, proposal now: back then at qualified's default (25 %)
        deal(s, [("lead", at(10, 1)), ("qualified", at(10, 5)), ("proposal", at(11, 3))],
             100_000, probability=90)  # fmt: skip
        # proposal at the start and now, away in between: its own 90 % both times
        deal(
            s,
            [("proposal", at(10, 1)), ("negotiation", at(11, 2)), ("proposal", at(11, 4))],
            10_000,
            probability=90,
        )
    r = report(store).to_dict()["pipeline"]
    assert r["by_stage"]["proposal"]["weighted_value"] == {"EUR": "990.00"}
    prev = r["previous"]["by_stage"]
    assert prev["qualified"]["weighted_value"] == {"EUR": "250.00"}
    assert prev["proposal"]["weighted_value"] == {"EUR": "90.00"}


def test_a_customer_who_churned_and_came_back_within_the_period(store):
    with store.write() as s:
        # new, churned, back: a new customer still a customer at the end
        contact(
            s,
            "A",
            [("lead", at(10, 1)), ("customer", at(11, 2)), ("churned", at(11, 3)),
             ("customer", at(11, 4))],
        )  # fmt: skip
        # a customer at the start who left and came back: not new, retained
        contact(s, "B", [("customer", at(10, 1)), ("churned", at(11, 2)), ("customer", at(11, 5))])
        # new and gone again by the end
        contact(s, "C", [("lead", at(11, 1)), ("customer", at(11, 2)), ("churned", at(11, 9))])
    c = report(store).to_dict()["customers"]
    assert (c["customers_at_start"], c["customers_at_end"]) == (1, 2)
    assert (c["new_customers"], c["churned_customers"]) == (2, 3)
    assert c["retention_rate"] == 1.0  # (2 - 1 new still there) / 1


def test_late_date_only_tasks_are_counted_across_statements(store, monkeypatch):
    """Many distinct due days are compared a few per statement: same counts."""
    from datetime import timedelta

    with store.write() as s:
        for day in range(1, 14):
            due = datetime(2026, 11, day, tzinfo=UTC)
            for hours in (3, 30, 70):  # done that day, the next, two days later
                s.add(
                    Task(title="t", due_at=due, due_has_time=False, created_at=at(10, 1),
                         done_at=due + timedelta(hours=hours))
                )  # fmt: skip
    whole = report(store).to_dict()["activity"]
    from termcrm.services.kpis import activity

    monkeypatch.setattr(activity, "_DUES_PER_STATEMENT", 2)
    chunked = report(store).to_dict()["activity"]
    assert chunked == whole
    assert whole["tasks_completed"] == 38  # due 13 Nov and done on the 15th: after the end
    assert whole["tasks_late"] == 13 + 12


def test_a_view_can_ask_for_some_sections_of_the_current_period(store):
    with store.write() as s:
        deal(s, [("lead", at(10, 1)), ("won", at(11, 3))], 10_000)
    with store.read() as s:
        full = kpis.compute(s, since=SINCE, until=UNTIL).to_dict()
        some = kpis.compute(
            s, since=SINCE, until=UNTIL, previous=False, sections=("sales", "pipeline")
        ).to_dict()
        with pytest.raises(ValueError, match="unknown KPI sections: sale"):
            kpis.compute(s, since=SINCE, until=UNTIL, sections=("sale",))
    assert set(some) == {"period", "pipeline", "sales"}
    assert some["sales"]["won"] == 1 and some["sales"]["won_value"] == {"EUR": "100.00"}
    for name in ("pipeline", "sales"):
        assert {k: v for k, v in full[name].items() if k != "previous"} == some[name]
    assert "previous" in full["sales"] and "previous" not in some["sales"]


def test_the_current_period_alone_takes_fewer_statements(store):
    from sqlalchemy import event

    with store.write() as s:
        deal(s, [("lead", at(10, 1)), ("proposal", at(11, 3))], 10_000)
    statements: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        with store.read() as s:
            kpis.compute(s, since=SINCE, until=UNTIL)
            full, statements[:] = len(statements), []
            kpis.compute(s, since=SINCE, until=UNTIL, previous=False)
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)
    assert len(statements) <= full - 5, (full, len(statements))  # the previous period: none
