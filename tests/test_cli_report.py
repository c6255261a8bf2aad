"""`termcrm report` as a user and a script drive it."""

from __future__ import annotations

import json

import pytest

SECTIONS = [
    "period",
    "pipeline",
    "sales",
    "leads",
    "customers",
    "satisfaction",
    "service",
    "activity",
]


def test_json_has_exactly_the_contract_sections_and_the_listed_keys(crm):
    data = crm.json("report")
    assert list(data) == SECTIONS
    for section, key in [
        ("sales", "win_rate"),
        ("sales", "won"),
        ("sales", "lost"),
        ("sales", "avg_sales_cycle_days"),
        ("leads", "conversion_rate"),
        ("customers", "retention_rate"),
        ("customers", "clv"),
        ("satisfaction", "nps"),
        ("satisfaction", "csat"),
        ("satisfaction", "nps_responses"),
        ("service", "cases_opened"),
        ("service", "cases_resolved"),
        ("service", "avg_resolution_hours"),
        ("activity", "overdue_tasks"),
    ]:
        assert key in data[section], f"{section}.{key}"
        assert key in data[section]["previous"], f"{section}.previous.{key}"
    # every section compares with the previous period, under the same keys
    for section in SECTIONS[1:]:
        assert set(data[section]["previous"]) == set(data[section]) - {"previous"}


def test_default_period_is_the_last_30_days_ending_now(crm):
    period = crm.json("report")["period"]
    # the frozen clock, in UTC; the end is exclusive: the next whole second, so now counts
    assert period["until"] == "2026-11-18T09:00:01+00:00"
    assert period["since"] == "2026-10-19T09:00:01+00:00"
    assert period["days"] == 30
    assert period["previous"]["until"] == period["since"]


def test_dates_cover_whole_local_days(crm):
    period = crm.json("report", "--since", "2026-11-01", "--until", "2026-11-30")["period"]
    # Berlin: 1 Nov 00:00 local is 31 Oct 23:00 UTC; --until includes the 30th
    assert period["since"] == "2026-10-31T23:00:00+00:00"
    assert period["until"] == "2026-11-30T23:00:00+00:00"
    assert period["days"] == 30


def test_since_as_a_bare_duration_reads_backwards(crm):
    period = crm.json("report", "--since", "7d")["period"]
    assert period["since"] == "2026-11-10T23:00:00+00:00"  # local midnight 7 days ago


@pytest.mark.parametrize(
    "args, message",
    [
        (("--since", "2026-11-10", "--until", "2026-11-01"), "The period is empty"),
        (("--since", "tomorrow"), "The period is empty"),
        (("--since", "someday"), "Cannot read 'someday' as a date"),
        (("--until", "2026-13-45"), "Cannot read '2026-13-45' as a date"),
    ],
)
def test_bad_periods_exit_2_with_one_error_line(crm, args, message):
    result = crm("report", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {message}")
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""


def test_report_figures_from_commands(crm):
    crm.ok("contact", "add", "Ada Lovelace", "--stage", "customer")
    crm.ok("contact", "add", "Grace Hopper", "--stage", "customer")
    crm.ok("log", "survey", "ada", "--nps", "10")
    crm.ok("log", "survey", "grace", "--nps", "5")
    crm.ok("log", "survey", "grace", "--csat", "4")
    crm.ok("case", "open", "ada", "Broken invoice")
    crm.ok("case", "resolve", "1")
    data = crm.json("report")
    assert data["satisfaction"]["nps"] == 0.0
    assert data["satisfaction"]["nps_responses"] == 2
    assert data["satisfaction"]["csat"] == 1.0
    assert data["service"]["cases_opened"] == 1
    assert data["service"]["cases_resolved"] == 1
    assert data["service"]["avg_resolution_hours"] == 0.0  # the clock is frozen
    assert data["customers"]["new_customers"] == 2
    assert data["activity"]["by_kind"]["survey"] == 3


def test_owner_option_filters(crm):
    crm.ok("contact", "add", "Ada", "--owner", "alice")
    crm.ok("case", "open", "ada", "One", "--owner", "alice")
    crm.ok("case", "open", "ada", "Two", "--owner", "bob")
    assert crm.json("report", "--owner", "alice")["service"]["cases_opened"] == 1
    assert crm.json("report", "--owner", "carol")["service"]["cases_opened"] == 0
    assert crm.json("report")["service"]["cases_opened"] == 2


def test_screen_shows_percentages_arrows_and_na(crm):
    crm.ok("contact", "add", "Ada", "--stage", "customer")
    crm.ok("log", "survey", "ada", "--csat", "5")
    out = crm.ok("report")
    assert "Win rate" in out
    assert "n/a" in out  # nothing closed: no win rate
    assert "100.0%" in out  # CSAT as a percentage
    assert "▲ 1" in out  # one more CSAT response than in the previous period
    for title in ("Pipeline", "Sales", "Leads", "Customers", "Satisfaction", "Service", "Activity"):
        assert title in out


def test_money_is_per_currency_and_never_summed(store, crm):
    from datetime import timedelta

    from termcrm.dates import now
    from termcrm.store.models import Deal

    with store.write() as s:
        for value, cur in ((100_000, "EUR"), (5_000, "USD"), (25_050, "EUR")):
            s.add(
                Deal(
                    title="d",
                    value_minor=value,
                    currency=cur,
                    stage="won",
                    created_at=now() - timedelta(days=20),
                    closed_at=now() - timedelta(days=2),
                )
            )
    data = crm.json("report")
    assert data["sales"]["won_value"] == {"EUR": "1250.50", "USD": "50.00"}
    out = crm.ok("report")
    assert "Won value (EUR)" in out and "1,250.50" in out
    assert "Won value (USD)" in out


def test_help_has_an_example(crm):
    out = crm.ok("report", "--help")
    assert "Example: crm report" in out
    json.dumps(out)


def test_screen_sums_missing_a_currency_are_zero_and_averages_are_na(store, crm):
    from datetime import timedelta

    from termcrm.dates import now
    from termcrm.store.models import Deal

    with store.write() as s:
        s.add(
            Deal(
                title="d",
                value_minor=100_000,
                stage="won",
                created_at=now() - timedelta(days=20),
                closed_at=now() - timedelta(days=2),
            )
        )
    lines = crm.ok("report").splitlines()
    won = next(line for line in lines if "Won value (EUR)" in line)
    assert won.split()[3:6] == ["1,000.00", "0.00", "▲"]
    size = next(line for line in lines if "Average deal size (EUR)" in line)
    assert size.split()[4:6] == ["1,000.00", "n/a"]
    assert "▲" not in size


def test_piped_output_is_plain_text_and_the_terminal_gets_panels(crm):
    import io

    from rich.console import Console

    from termcrm.render.kpis import report_view

    crm.ok("contact", "add", "Ada", "--stage", "customer")
    crm.ok("log", "survey", "ada", "--nps", "9")
    piped = crm.ok("report")
    assert "╭" not in piped  # no box drawing in pipes
    nps = next(line for line in piped.splitlines() if line.strip().startswith("NPS "))
    assert nps.split() == ["NPS", "+100.0", "n/a"]
    console = Console(file=io.StringIO(), width=100, color_system=None)
    console.print(report_view(crm.json("report")))
    screen = console.file.getvalue()
    assert "╭─ Satisfaction" in screen
    assert "+100.0" in screen
