"""Screen 4: the KPI report as panels, with activity per week and the pipeline by stage.

The figures are `kpis.compute(...)`'s, the same as `termcrm report`; `p` changes the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.widgets import Header, Static

from termcrm import dates
from termcrm.errors import TermcrmError
from termcrm.tui.screens.base import DataScreen
from termcrm.tui.widgets.bar_chart import BarChart
from termcrm.tui.widgets.footer import CrmFooter
from termcrm.vocab import OPEN_DEAL_STAGES

PERIODS = (7, 30, 90, 365)


def pct(ratio: float | None) -> str:
    return "–" if ratio is None else f"{ratio * 100:.0f}%"


def money_map(values: dict[str, str] | None, sep: str = "\n") -> str:
    """Money per currency, one a line (amounts in different currencies are never added)."""
    if not values:
        return "0"
    return sep.join(f"{v} {cur}" for cur, v in sorted(values.items()))


def num(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


#: panel title -> (section, [(label, key, format)])
PANELS: tuple[tuple[str, str, tuple[tuple[str, str, Any], ...]], ...] = (
    ("Pipeline", "pipeline", (
        ("Open deals", "open_deals", num),
        ("Open value", "open_value", money_map),
        ("Weighted", "weighted_value", money_map),
    )),
    ("Sales", "sales", (
        ("Won / lost", None, None),
        ("Win rate", "win_rate", pct),
        ("Won value", "won_value", money_map),
    )),
    ("Leads", "leads", (
        ("New leads", "new_leads", num),
        ("Converted", "converted", num),
        ("Conversion", "conversion_rate", pct),
    )),
    ("Customers", "customers", (
        ("New", "new_customers", num),
        ("Churned", "churned_customers", num),
        ("Retention", "retention_rate", pct),
    )),
    ("Satisfaction", "satisfaction", (
        ("NPS", "nps", num),
        ("CSAT", "csat", pct),
        ("Answers", "nps_responses", num),
    )),
    ("Activity", "activity", (
        ("Interactions", "interactions", num),
        ("Tasks done", "tasks_completed", num),
        ("Overdue now", "overdue_tasks", num),
    )),
)  # fmt: skip


#: the report's sections the dashboard shows (the charts are of these too)
SHOWN = tuple(section for _title, section, _rows in PANELS)


def panel_rows(section: dict[str, Any], rows) -> tuple[tuple[str, str], ...]:
    """(label, value shown) of a panel's rows."""
    shown = []
    for label, key, fmt in rows:
        if key is None:  # won / lost
            value = f"{num(section.get('won'))} / {num(section.get('lost'))}"
        else:
            value = fmt(section.get(key))
        shown.append((label, value))
    return tuple(shown)


def panel(rows: tuple[tuple[str, str], ...]) -> Table:
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(style="dim", no_wrap=True, min_width=12)
    grid.add_column(justify="right", overflow="ellipsis", no_wrap=True)
    for label, value in rows:
        grid.add_row(label, value)
    return grid


@dataclass(frozen=True)
class Shown:
    """What the dashboard shows, as text: two reads that would look the same compare equal
    (the period ends "now", to the second, but is shown by the day), so nothing is redrawn."""

    period: str
    #: section -> its panel's (label, value) rows
    panels: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    #: (label, value, value shown) of the charts' bars
    weeks: tuple[tuple[str, float, str], ...]
    stages: tuple[tuple[str, float, str], ...]


def shown(data: dict[str, Any], days: int) -> Shown:
    """The report (`Report.to_dict()`) as the dashboard shows it."""
    period = data.get("period", {})
    since = dates.show(_parse(period.get("since")), with_time=False)
    until = dates.show(_parse(period.get("until")), with_time=False)
    weeks = tuple(
        (dates.show(_parse(w["start"]), with_time=False), w["interactions"],
         str(w["interactions"]))
        for w in data.get("activity", {}).get("per_week", [])
    )  # fmt: skip
    by_stage = data.get("pipeline", {}).get("by_stage", {})
    stages = []
    for stage in OPEN_DEAL_STAGES:
        info = by_stage.get(stage, {})
        count = info.get("deals", 0)
        stages.append((stage, count, f"{count} · {money_map(info.get('value'), ' + ')}"))
    return Shown(
        period=f"The last {days} days: {since} to {until} · p changes the period",
        panels=tuple(
            (section, panel_rows(data.get(section, {}), rows)) for _t, section, rows in PANELS
        ),
        weeks=weeks,
        stages=tuple(stages),
    )


class DashboardScreen(DataScreen):
    """KPI panels and charts for a period ending now."""

    BINDINGS = [
        Binding("p", "period", "Period", id="dashboard.period",
                tooltip="Show the last 7, 30, 90 or 365 days"),
    ]  # fmt: skip
    LOAD_GROUP = "dashboard"

    def __init__(self) -> None:
        super().__init__()
        self.days = 30

    def compose(self) -> ComposeResult:
        self.reload()  # the figures are computed while the widgets mount
        yield Header()
        with VerticalScroll(id="dashboard"):
            yield Static("", id="period")
            with Grid(id="kpi-panels"):
                for title, section, _rows in PANELS:
                    box = Static("…", classes="kpi-panel", id=f"kpi-{section}")
                    box.border_title = title
                    yield box
            yield BarChart("Interactions per week", classes="chart", id="chart-activity")
            yield BarChart("Open pipeline by stage", classes="chart", id="chart-pipeline")
        yield CrmFooter()

    def on_mount(self) -> None:
        self.sub_title = "Dashboard"

    def on_resize(self) -> None:
        columns = 3 if self.size.width >= 100 else 2
        self.query_one("#kpi-panels", Grid).styles.grid_size_columns = columns

    def loader(self):
        days = self.days

        def load(session) -> Shown:
            from termcrm.services import kpis

            # the period as `termcrm report --since {days}d` has it (now included)
            period = kpis.resolve_period(days=days)
            # only what the panels show: the current period, without the service section
            report = kpis.compute(
                session, since=period.since, until=period.until, previous=False, sections=SHOWN
            )
            return shown(report.to_dict(), days)

        return load

    def load_failed(self, error: TermcrmError) -> None:
        self.query_one("#period", Static).update(error.message)

    def action_period(self) -> None:
        self.days = PERIODS[(PERIODS.index(self.days) + 1) % len(PERIODS)]
        self.reload()

    def show(self, data: Shown) -> None:
        self.query_one("#period", Static).update(data.period)
        for section, rows in data.panels:
            self.query_one(f"#kpi-{section}", Static).update(panel(rows))
        self.query_one("#chart-activity", BarChart).update_bars(list(data.weeks))
        self.query_one("#chart-pipeline", BarChart).update_bars(list(data.stages))


def _parse(text: str | None):
    from datetime import datetime

    return datetime.fromisoformat(text) if text else None
