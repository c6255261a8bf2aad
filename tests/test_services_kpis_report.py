"""`report --json` on the demo data, byte for byte: the KPI package (services/kpis/) must
give exactly what the single module it was split from gave (recorded in
tests/fixtures/kpis/)."""

from __future__ import annotations

from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "fixtures" / "kpis"
RUNS = {
    "default": (),
    "year": ("--since", "365d"),
    "owner": ("--since", "365d", "--owner", "SAM"),
    "november": ("--since", "2026-11-01", "--until", "2026-11-30"),
}


@pytest.mark.parametrize("name", sorted(RUNS))
def test_report_json_on_the_demo_data_is_unchanged(crm, name):
    crm.ok("demo")
    got = crm.ok("report", *RUNS[name], "--json")
    assert got == (GOLDEN / f"report_{name}.json").read_text(encoding="utf-8")
