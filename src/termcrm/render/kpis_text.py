"""The KPI report's rows and formats, and its plain-text form for pipes (no rich import).

Works on the dict of `Report.to_dict()` (sections with a `previous` object), so the terminal
panels (`render.kpis`), the plain text and `--json` show the same figures. Rates are shown
as percentages, money per currency, missing figures (division by zero) as "n/a".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

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

#: money figures that are averages: a currency missing on one side is n/a there, not 0
AVERAGES = {"avg_deal_size", "clv"}

# (label, key, kind) per section; kind: count | rate | rates | money | number | score
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
HEADER = ("", "this period", "previous", "change")


@dataclass
class Change:
    """`▲ 3`, `▼ 2.5 pp`, `=`, or empty; `good` says which way is good news."""

    text: str = ""
    good: bool | None = None


# -- formatting -------------------------------------------------------------------------------


def fmt_money(amount: str | None, currency: str = "") -> str:
    if amount is None:
        return NA
    return f"{Decimal(amount):,.2f} {currency}".strip()


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


def change(now: Any, before: Any, kind: str, key: str) -> Change:
    if now is None or before is None or kind in ("rates", "text"):
        return Change()
    if kind == "money":
        now, before = Decimal(now), Decimal(before)
    delta = now - before
    if not delta:
        return Change("=")
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
    good = (delta < 0) if key in LOWER_IS_BETTER else (delta > 0)
    return Change(f"{arrow} {amount}", good)


def sparkline(values: list[int]) -> str:
    if not values:
        return ""
    top = max(values)
    if not top:
        return SPARK[0] * len(values)
    return "".join(SPARK[min(len(SPARK) - 1, round(v / top * (len(SPARK) - 1)))] for v in values)


def parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# -- rows -------------------------------------------------------------------------------------


def section_rows(name: str, data: dict[str, Any]) -> list[tuple[str, str, str, Change]]:
    """(label, this period, previous, change) for each figure of a section."""
    prev = data.get("previous", {})
    rows = []
    for label, key, kind in SPECS[name]:
        if key == "_npsmix":
            mix = "{promoters} / {passives} / {detractors}"
            rows.append((label, mix.format(**data), mix.format(**prev), Change()))
        elif kind in ("money", "rates"):
            now_map, prev_map = data.get(key) or {}, prev.get(key) or {}
            currencies = sorted(set(now_map) | set(prev_map))
            if not currencies:
                rows.append((label, NA, NA, Change()))
            for cur in currencies:
                a, b = now_map.get(cur), prev_map.get(cur)
                if kind == "rates":
                    rows.append((f"{label} ({cur})", fmt(a, "rate"), fmt(b, "rate"), Change()))
                    continue
                if key not in AVERAGES:  # a sum with nothing in it is zero
                    a, b = a or "0", b or "0"
                rows.append(
                    (f"{label} ({cur})", fmt_money(a), fmt_money(b), change(a, b, "money", key))
                )
        else:
            now, before = data.get(key), prev.get(key)
            rows.append((label, fmt(now, kind), fmt(before, kind), change(now, before, kind, key)))
    return rows


def pipeline_rows(data: dict[str, Any]) -> list[tuple[str, str, list[str], list[str], Change]]:
    """(stage, deals, value lines, weighted lines, change in deals), then the open total."""
    prev = data.get("previous", {})

    def lines(m: dict[str, str]) -> list[str]:
        return [fmt_money(v, c) for c, v in m.items()] or ["—"]

    rows = []
    for stage, row in data["by_stage"].items():
        before = prev.get("by_stage", {}).get(stage, {}).get("deals")
        rows.append(
            (stage, fmt(row["deals"], "count"), lines(row["value"]),
             lines(row["weighted_value"]), change(row["deals"], before, "count", "deals"))
        )  # fmt: skip
    rows.append(
        ("open", fmt(data["open_deals"], "count"), lines(data["open_value"]),
         lines(data["weighted_value"]), change(data["open_deals"], prev.get("open_deals"),
                                               "count", "open_deals"))
    )  # fmt: skip
    return rows


def kind_bars(data: dict[str, Any], width: int = 30) -> list[tuple[str, str, str]]:
    """(kind, count, bar) for the kinds logged in the period, most first."""
    kinds = {k: n for k, n in data["by_kind"].items() if n}
    if not kinds:
        return []
    top = max(kinds.values())
    return [
        (kind, f"{n:,}", "█" * max(1, round(n / top * width)))
        for kind, n in sorted(kinds.items(), key=lambda kv: -kv[1])
    ]


def weeks_line(data: dict[str, Any]) -> tuple[str, str, str] | None:
    """(label, sparkline, counts) of the interactions per week."""
    weeks = data["per_week"]
    if not weeks:
        return None
    counts = [w["interactions"] for w in weeks]
    first = dates.show(parse(weeks[0]["start"]), with_time=False)
    return f"Per week from {first}", sparkline(counts), " ".join(str(n) for n in counts)


def heading(data: dict[str, Any]) -> str:
    period = data["period"]
    since, until = parse(period["since"]), parse(period["until"])
    prev = period["previous"]
    text = (
        f"KPIs {dates.show(since)} → {dates.show(until)}"
        f"  (previous: {dates.show(parse(prev['since']))} → {dates.show(since)})"
    )
    if period.get("owner"):
        text += f"  owner: {period['owner']}"
    return text


# -- plain text -------------------------------------------------------------------------------


def _aligned(rows: list[tuple[str, ...]], right_from: int = 1) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [
            cell.ljust(w) if i < right_from else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        out.append("  " + "  ".join(cells).rstrip())
    return out


def report_text(data: dict[str, Any]) -> str:
    """The whole report as plain aligned text (for pipes and files)."""
    lines = [heading(data), "", TITLES["pipeline"]]
    table = [("stage", "deals", "value", "weighted", "change")]
    for stage, deals, value, weighted, delta in pipeline_rows(data["pipeline"]):
        for i in range(max(len(value), len(weighted))):
            first = i == 0
            table.append(
                (stage if first else "", deals if first else "",
                 value[i] if i < len(value) else "", weighted[i] if i < len(weighted) else "",
                 delta.text if first else "")
            )  # fmt: skip
    lines += _aligned(table)
    for name in ("sales", "leads", "customers", "satisfaction", "service", "activity"):
        rows = [HEADER] + [(a, b, c, d.text) for a, b, c, d in section_rows(name, data[name])]
        lines += ["", TITLES[name], *_aligned(rows)]
    bars = kind_bars(data["activity"])
    if bars:
        lines += ["  By kind", *_aligned([(k, n, b) for k, n, b in bars])]
    weeks = weeks_line(data["activity"])
    if weeks:
        lines.append("  " + "  ".join(weeks))
    return "\n".join(lines)
