"""The fast "current state corrected by recent changes" computation agrees with a plain
reading of the full stage history, on random histories (changes before, in, and after
the periods, ties at the boundaries)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from termcrm.services import kpis
from termcrm.store.models import Contact, ContactStageChange, Deal, DealStageChange
from termcrm.vocab import CONTACT_STAGES, OPEN_DEAL_STAGES, STAGE_PROBABILITY

SINCE = datetime(2026, 11, 1, tzinfo=UTC)
UNTIL = datetime(2026, 11, 15, tzinfo=UTC)
PREV = SINCE - (UNTIL - SINCE)
START = datetime(2026, 9, 1, tzinfo=UTC)


def _moment(rnd: random.Random) -> datetime:
    if rnd.random() < 0.15:  # exactly on a boundary
        return rnd.choice((PREV, SINCE, UNTIL))
    return START + timedelta(hours=rnd.randint(0, 24 * 90))


def _paths(rnd: random.Random, stages, n: int):
    for _ in range(n):
        times = sorted(_moment(rnd) for _ in range(rnd.randint(1, 4)))
        yield [(rnd.choice(stages), t) for t in times]


def stage_at(path, moment):
    """Stage after every change strictly before `moment` (None: not created yet)."""
    stage = None
    for st, t in path:
        if t < moment:
            stage = st
    return stage


@pytest.mark.parametrize("seed", range(5))
def test_contacts_figures_match_a_full_history_reading(store, seed):
    rnd = random.Random(seed)
    paths = list(_paths(rnd, CONTACT_STAGES, 60))
    with store.write() as s:
        for i, path in enumerate(paths):
            c = Contact(name=f"C{i}", stage=path[-1][0], created_at=path[0][1])
            s.add(c)
            s.flush()
            prev = None
            for st, t in path:
                s.add(
                    ContactStageChange(contact_id=c.id, from_stage=prev, to_stage=st, changed_at=t)
                )
                prev = st
    with store.read() as s:
        report = kpis.compute(s, since=SINCE, until=UNTIL)
        alone = kpis.compute(s, since=SINCE, until=UNTIL, previous=False)
    assert alone.current == report.current  # the current period alone: the same figures
    for figures, (lo, hi) in ((report.current, (SINCE, UNTIL)), (report.previous, (PREV, SINCE))):
        cust = figures["customers"]
        start = [p for p in paths if stage_at(p, lo) == "customer"]
        end = [p for p in paths if stage_at(p, hi) == "customer"]
        assert cust["customers_at_start"] == len(start)
        assert cust["customers_at_end"] == len(end)

        def changes(p, lo=lo, hi=hi):
            prev = None
            for st, t in p:
                if lo <= t < hi:
                    yield prev, st, t
                prev = st

        new = [
            p
            for p in paths
            if stage_at(p, lo) != "customer" and any(to == "customer" for _f, to, _t in changes(p))
        ]
        assert cust["new_customers"] == len(new)
        churned = [
            p for p in paths if any(f == "customer" and to == "churned" for f, to, _t in changes(p))
        ]
        assert cust["churned_customers"] == len(churned)
        leads, converted = 0, 0
        for p in paths:
            lead_times = [t for _f, to, t in changes(p) if to == "lead"]
            if lead_times:
                leads += 1
                first = p.index(next(x for x in p if x[0] == "lead" and x[1] == lead_times[0]))
                converted += any(st == "customer" and t < hi for st, t in p[first + 1 :])
        assert figures["leads"]["new_leads"] == leads
        assert figures["leads"]["converted"] == converted


@pytest.mark.parametrize("seed", range(5))
def test_pipeline_matches_a_full_history_reading(store, seed):
    """Deals, value and weighted value per stage at both period ends, against a replay of
    each deal's history. A deal counts with its own probability only while in the stage it
    is in now; in any other stage back then, with that stage's default (docs/kpis.md)."""
    rnd = random.Random(200 + seed)
    stages = (*OPEN_DEAL_STAGES, "won", "lost")
    paths = list(_paths(rnd, stages, 60))
    deals = [
        (rnd.randint(1, 1000) * 100, rnd.choice((None, 0, 5, 90)), rnd.choice(("EUR", "USD")))
        for _ in paths
    ]
    with store.write() as s:
        for path, (value, prob, cur) in zip(paths, deals, strict=True):
            d = Deal(
                title="d",
                stage=path[-1][0],
                value_minor=value,
                probability=prob,
                currency=cur,
                created_at=path[0][1],
            )
            s.add(d)
            s.flush()
            prev = None
            for st, t in path:
                s.add(DealStageChange(deal_id=d.id, from_stage=prev, to_stage=st, changed_at=t))
                prev = st
    with store.read() as s:
        report = kpis.compute(s, since=SINCE, until=UNTIL)
        alone = kpis.compute(s, since=SINCE, until=UNTIL, previous=False)
    assert alone.current == report.current  # the current period alone: the same figures
    for figures, moment in ((report.current, UNTIL), (report.previous, SINCE)):
        pipe = figures["pipeline"]
        for stage in OPEN_DEAL_STAGES:
            count, total, weighted = 0, {}, {}
            for p, (value, prob, cur) in zip(paths, deals, strict=True):
                if stage_at(p, moment) != stage:
                    continue
                own = prob if prob is not None and p[-1][0] == stage else None
                pct = own if own is not None else STAGE_PROBABILITY[stage]
                count += 1
                total[cur] = total.get(cur, 0) + value
                weighted[cur] = weighted.get(cur, 0) + value * pct
            by_stage = pipe["by_stage"][stage]
            assert by_stage["deals"] == count
            assert by_stage["value"] == {c: f"{v / 100:.2f}" for c, v in sorted(total.items())}
            expected = {c: f"{w / 10000:.2f}" for c, w in sorted(weighted.items())}
            assert by_stage["weighted_value"] == expected
