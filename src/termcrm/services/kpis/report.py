"""The KPI report: the sections assembled for a period and the one before it."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from termcrm import dates
from termcrm.errors import Invalid
from termcrm.services.kpis._base import (
    CUR,
    PREV,
    Figures,
)
from termcrm.services.kpis.activity import ActivityFigures
from termcrm.services.kpis.contacts import ContactFigures
from termcrm.services.kpis.period import Period
from termcrm.services.kpis.pipeline import PipelineFigures
from termcrm.services.kpis.sales import SalesFigures
from termcrm.services.kpis.satisfaction import SatisfactionFigures
from termcrm.services.kpis.service import ServiceFigures

SECTIONS = ("pipeline", "sales", "leads", "customers", "satisfaction", "service", "activity")


class _Context(
    PipelineFigures,
    SalesFigures,
    ContactFigures,
    SatisfactionFigures,
    ServiceFigures,
    ActivityFigures,
    Figures,
):
    """Every section's figures over one shared cache of reads (see `_base.Figures`)."""


@dataclass
class Report:
    """Figures of the period (`current`) and of the previous one (`previous`), per section.

    `current["sales"]["win_rate"]` is a plain number or None; `to_dict()` is the JSON of
    `termcrm report --json`: each section holds its figures plus `previous` with the same keys
    (without `previous` when only the current period was computed).
    """

    period: Period
    owner: str | None
    current: dict[str, dict[str, Any]] = field(default_factory=dict)
    previous: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        prev = self.period.previous
        data: dict[str, Any] = {
            "period": {
                "since": dates.iso(self.period.since),
                "until": dates.iso(self.period.until),
                "days": round(self.period.length.total_seconds() / 86400, 2),
                "owner": self.owner,
                "previous": {"since": dates.iso(prev.since), "until": dates.iso(prev.until)},
            }
        }
        for name in SECTIONS:
            if name in self.current:
                data[name] = dict(self.current[name])
                if name in self.previous:
                    data[name]["previous"] = self.previous[name]
        return data


def compute(
    session: Session,
    *,
    since: datetime,
    until: datetime,
    owner: str | None = None,
    previous: bool = True,
    sections: Iterable[str] = SECTIONS,
) -> Report:
    """Every KPI for [since, until) and for the previous period of the same length.

    A view that shows less asks for less, with the same figures for what it gets: only
    `sections`, and (`previous=False`) only the current period, whose reads then start at
    `since` (the TUI dashboard: about half the work of the whole report)."""
    wanted = [name for name in SECTIONS if name in set(sections)]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise ValueError(f"unknown KPI sections: {', '.join(sorted(unknown))}")
    since, until = dates.as_utc(since), dates.as_utc(until)
    if since >= until:
        raise Invalid("The period is empty: since must be before until")
    period = Period(since, until)
    owner = owner.strip() if owner and owner.strip() else None
    report = Report(period=period, owner=owner)
    # tens of thousands of short-lived row tuples and no reference cycles: the cyclic
    # garbage collector would only rescan the whole heap (about a third of the run time)
    collecting = gc.isenabled()
    gc.disable()
    try:
        ctx = _Context(session, period, owner, previous=previous)
        figures = {
            "pipeline": lambda k: ctx.pipeline(k + 1),
            "sales": ctx.sales,
            "leads": ctx.leads,
            "customers": ctx.customers,
            "satisfaction": ctx.satisfaction,
            "service": ctx.service,
            "activity": ctx.activity,
        }
        for target, k in ((report.current, CUR), (report.previous, PREV)):
            if k not in ctx.computed:
                continue
            for name in wanted:
                target[name] = figures[name](k)
    finally:
        if collecting:
            gc.enable()
    return report
