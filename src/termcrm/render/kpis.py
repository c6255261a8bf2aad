"""The KPI report as rich panels: each figure with the previous period's and an arrow.

Takes the plain dict of `Report.to_dict()` (sections with a `previous` object), so the CLI
and the TUI dashboard can render exactly what `--json` prints. Rates are shown as
percentages, money per currency, missing figures (division by zero) as "n/a".
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from termcrm import dates

NA = "n/a"
SPARK = "▁▂▃▄▅▆▇█"

#: figures where a fall is good news (shown green when they go down)
LOWER_IS_BETTER = {
    "lost",
    "lost_value",
    "churned_customers",
    "detractors",
    "cases_opened",
    "cases_open",
    "avg_resolution_hours",
    "avg_sales_cycle_days",
    "tasks_late",
    "overdue_tasks",
}

# (label, key, kind) per section; kind: count | rate | money | number | score
SPECS: dict[str, list[tuple[str, str, str]]] = {
    "sales": [
        ("Deals won", "won", "count"),
        ("Deals lost", "lost", "count"),
        ("Win rate", "win_rate", "rate"),
        ("Won value", "won_value", "money"),
        ("Average deal size", "avg_deal_size", "money"),
        ("Average sales cycle (days)", "avg_sales_cycle_days", "number"),
        ("Sales growth", "sales_growth", "rates"),
    ],
    "leads": [
        ("New leads", "new_leads", "count"),
        ("Converted to customers", "converted", "count"),
        ("Lead conversion rate", "conversion_rate", "rate"),
    ],
    "customers": [
        ("Customers at start", "customers_at_start", "count"),
        ("Customers at end", "customers_at_end", "count"),
        ("New customers", "new_customers", "count"),
        ("Churned customers", "churned_customers", "count"),
        ("Retention rate", "retention_rate", "rate"),
        ("Customer lifetime value", "clv", "money"),
    ],
    "satisfaction": [
        ("NPS", "nps", "score"),
        ("NPS responses", "nps_responses", "count"),
        ("Promoters / passives / detractors", "_npsmix", "text"),
        ("CSAT", "csat", "rate"),
        ("CSAT responses", "csat_responses", "count"),
    ],
    "service": [
        ("Cases opened", "cases_opened", "count"),
        ("Cases resolved", "cases_resolved", "count"),
        ("Still open at the end", "cases_open", "count"),
        ("Average resolution (hours)", "avg_resolution_hours", "number"),
    ],
    "activity": [
        ("Interactions", "interactions", "count"),
        ("Tasks completed", "tasks_completed", "count"),
        ("… on time", "tasks_on_time", "count"),
        ("… late", "tasks_late", "count"),
        ("Overdue tasks", "overdue_tasks", "count"),
    ],
}

TITLES = {
    "pipeline": "Pipeline (at the end of the period)",
    "sales": "Sales",
    "leads": "Leads",
    "customers": "Customers",
    "satisfaction": "Satisfaction",
    "service": "Service",
    "activity": "Activity",
}


# -- formatting -------------------------------------------------------------------------------


def fmt_money(amount: str | None, currency: str = "") -> str:
    if amount is None:
        return NA
    text = f"{Decimal(amount):,.2f}"
    return f"{text} {currency}".strip()


def fmt(value: Any, kind: str) -> str:
    if value is None:
        return NA
    if kind == "rate":
        return f"{value * 100:.1f}%"
    if kind == "score":
        return f"{value:+.1f}" if value else "0.0"
    if kind == "number":
        return f"{value:,.1f}"
    if kind == "count":
        return f"{value:,}"
    return str(value)


def change(now: Any, before: Any, kind: str, key: str) -> Text:
    """`▲ 3`, `▼ 2.5 pp`, `=`, or nothing when either side is n/a."""
    if now is None or before is None:
        return Text("")
    if kind == "money":
        now, before = Decimal(now), Decimal(before)
    delta = now - before
    if not delta:
        return Text("=", style="dim")
    good = (delta < 0) if key in LOWER_IS_BETTER else (delta > 0)
    arrow = "▲" if delta > 0 else "▼"
    mag = abs(delta)
    if kind == "rate":
        amount = f"{mag * 100:.1f} pp"
    elif kind == "money":
        amount = f"{mag:,.2f}"
    elif kind == "count":
        amount = f"{mag:,}"
    else:
        amount = f"{mag:,.1f}"
    return Text(f"{arrow} {amount}", style="green" if good else "red")


def _figures_table() -> Table:
    table = Table(box=None, pad_edge=False, show_header=True, header_style="dim")
    table.add_column("", min_width=26)
    table.add_column("this period", justify="right")
    table.add_column("previous", justify="right", style="dim")
    table.add_column("change", justify="right")
    return table


def _section_table(name: str, data: dict[str, Any]) -> Table:
    prev = data.get("previous", {})
    table = _figures_table()
    for label, key, kind in SPECS[name]:
        if key == "_npsmix":
            mix = "{promoters} / {passives} / {detractors}"
            table.add_row(label, mix.format(**data), mix.format(**prev), "")
        elif kind in ("money", "rates"):
            now_map, prev_map = data.get(key) or {}, prev.get(key) or {}
            currencies = sorted(set(now_map) | set(prev_map))
            if not currencies:
                table.add_row(label, NA, NA, "")
            for cur in currencies:
                a, b = now_map.get(cur), prev_map.get(cur)
                if kind == "rates":
                    table.add_row(f"{label} ({cur})", fmt(a, "rate"), fmt(b, "rate"), "")
                else:
                    shown = (a if a is not None else "0", b if b is not None else "0")
                    table.add_row(
                        f"{label} ({cur})",
                        fmt_money(a),
                        fmt_money(b),
                        change(*shown, "money", key) if key != "avg_deal_size" else Text(""),
                    )
        else:
            table.add_row(
                label, fmt(data.get(key), kind), fmt(prev.get(key), kind),
                change(data.get(key), prev.get(key), kind, key),
            )  # fmt: skip
    return table


def _pipeline_table(data: dict[str, Any]) -> Table:
    prev = data.get("previous", {})
    table = Table(box=None, pad_edge=False, header_style="dim")
    table.add_column("stage", min_width=14)
    table.add_column("deals", justify="right")
    table.add_column("value", justify="right")
    table.add_column("weighted", justify="right")
    table.add_column("change", justify="right")

    def money_lines(m: dict[str, str]) -> str:
        return "\n".join(fmt_money(v, c) for c, v in m.items()) or "—"

    for stage, row in data["by_stage"].items():
        before = prev.get("by_stage", {}).get(stage, {}).get("deals")
        table.add_row(
            stage,
            fmt(row["deals"], "count"),
            money_lines(row["value"]),
            money_lines(row["weighted_value"]),
            change(row["deals"], before, "count", "deals"),
        )
    table.add_row(
        Text("open", style="bold"),
        Text(fmt(data["open_deals"], "count"), style="bold"),
        Text(money_lines(data["open_value"]), style="bold"),
        Text(money_lines(data["weighted_value"]), style="bold"),
        change(data["open_deals"], prev.get("open_deals"), "count", "open_deals"),
    )
    return table


def sparkline(values: list[int]) -> str:
    if not values:
        return ""
    top = max(values)
    if not top:
        return SPARK[0] * len(values)
    return "".join(SPARK[min(len(SPARK) - 1, round(v / top * (len(SPARK) - 1)))] for v in values)


def _activity_extra(data: dict[str, Any]) -> Group:
    kinds = {k: n for k, n in data["by_kind"].items() if n}
    parts: list[Any] = []
    if kinds:
        top = max(kinds.values())
        bars = Table(box=None, pad_edge=False, show_header=False)
        bars.add_column(min_width=8)
        bars.add_column(justify="right")
        bars.add_column()
        for kind, n in sorted(kinds.items(), key=lambda kv: -kv[1]):
            bars.add_row(kind, f"{n:,}", Text("█" * max(1, round(n / top * 30)), style="cyan"))
        parts += [Text("By kind", style="bold"), bars]
    weeks = [w["interactions"] for w in data["per_week"]]
    if weeks:
        first = dates.show(_parse(data["per_week"][0]["start"]), with_time=False)
        counts = " ".join(str(n) for n in weeks)
        parts.append(
            Text.assemble(
                ("Per week from " + first + "  ", "bold"), (sparkline(weeks), "cyan"), f"  {counts}"
            )
        )
    return Group(*parts)


def _parse(value: str):
    from datetime import datetime

    return datetime.fromisoformat(value)


def report_view(data: dict[str, Any]) -> Group:
    """The whole report as one renderable."""
    period = data["period"]
    since, until = _parse(period["since"]), _parse(period["until"])
    prev = period["previous"]
    head = Text.assemble(
        ("KPIs ", "bold"),
        f"{dates.show(since)} → {dates.show(until)}",
        (f"  (previous: {dates.show(_parse(prev['since']))} → {dates.show(since)})", "dim"),
    )
    if period.get("owner"):
        head.append(f"  owner: {period['owner']}", style="bold")
    panels: list[Any] = [head]
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
