"""The KPI report as rich panels: each figure with the previous period's and an arrow.

Rows and formats come from `render.kpis_text` (which also gives the plain-text form used
when the output is piped), so every form shows the same figures as `--json`.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from termcrm.render.kpis_text import (
    HEADER,
    TITLES,
    Change,
    heading,
    kind_bars,
    pipeline_rows,
    section_rows,
    weeks_line,
)
from termcrm.render.safe import clean


def _change(c: Change) -> Text:
    if c.good is None:
        return Text(c.text, style="dim")
    return Text(c.text, style="green" if c.good else "red")


def _section_table(name: str, data: dict[str, Any]) -> Table:
    table = Table(box=None, pad_edge=False, header_style="dim")
    table.add_column(HEADER[0], min_width=26)
    table.add_column(HEADER[1], justify="right")
    table.add_column(HEADER[2], justify="right", style="dim")
    table.add_column(HEADER[3], justify="right")
    for label, now, before, delta in section_rows(name, data):
        table.add_row(Text(clean(label)), Text(clean(now)), Text(clean(before)), _change(delta))
    return table


def _pipeline_table(data: dict[str, Any]) -> Table:
    table = Table(box=None, pad_edge=False, header_style="dim")
    table.add_column("stage", min_width=14)
    for column in ("deals", "value", "weighted", "change"):
        table.add_column(column, justify="right")
    for stage, deals, value, weighted, delta in pipeline_rows(data):
        style = "bold" if stage == "open" else ""
        table.add_row(
            Text(clean(stage), style=style),
            Text(deals, style=style),
            Text("\n".join(map(clean, value)), style=style),
            Text("\n".join(map(clean, weighted)), style=style),
            _change(delta),
        )
    return table


def _activity_extra(data: dict[str, Any]) -> Group:
    parts: list[Any] = []
    bars = kind_bars(data)
    if bars:
        grid = Table(box=None, pad_edge=False, show_header=False)
        grid.add_column(min_width=8)
        grid.add_column(justify="right")
        grid.add_column(style="cyan")
        for row in bars:
            grid.add_row(*(Text(clean(cell)) for cell in row))
        parts += [Text("By kind", style="bold"), grid]
    weeks = weeks_line(data)
    if weeks:
        label, spark, counts = weeks
        parts.append(Text.assemble((label + "  ", "bold"), (spark, "cyan"), f"  {counts}"))
    return Group(*parts)


def report_view(data: dict[str, Any]) -> Group:
    """The whole report as one renderable."""
    panels: list[Any] = [Text(clean(heading(data)), style="bold")]
    panels.append(
        Panel(_pipeline_table(data["pipeline"]), title=TITLES["pipeline"], title_align="left")
    )
    for name in ("sales", "leads", "customers", "satisfaction", "service"):
        panels.append(
            Panel(_section_table(name, data[name]), title=TITLES[name], title_align="left")
        )
    activity = Group(
        _section_table("activity", data["activity"]), _activity_extra(data["activity"])
    )
    panels.append(Panel(activity, title=TITLES["activity"], title_align="left"))
    return Group(*panels)
