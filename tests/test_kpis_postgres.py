"""The report, cases and surveys on PostgreSQL (skipped when no server answers)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.postgres


def test_report_cases_and_surveys_on_postgres(crm, pg_url, pg_server):
    db = ["--db", pg_url]
    alice = f"alice_{pg_server.hex}"  # owners are team members on PostgreSQL
    crm.ok(*db, "team", "add", alice, "--role", "member")
    crm.ok(*db, "contact", "add", "Ada Lovelace", "--stage", "customer", "--owner", alice)
    crm.ok(*db, "contact", "add", "Grace Hopper", "--stage", "lead")
    crm.ok(*db, "log", "survey", "ada", "--nps", "10")
    crm.ok(*db, "log", "survey", "ada", "--nps", "3")  # the latest answer counts
    crm.ok(*db, "log", "survey", "grace", "--csat", "5")
    crm.ok(*db, "log", "call", "ada", "Renewal talk")
    crm.ok(*db, "case", "open", "ada", "Broken invoice", "--owner", alice)
    crm.ok(*db, "case", "resolve", "1", "--note", "Fixed")
    assert crm(*db, "case", "resolve", "1").exit_code == 1
    deal = crm.json(*db, "deal", "add", "Renewal", "--contact", "ada", "--value", "1200")
    crm.ok(*db, "deal", "won", str(deal["id"]))
    crm.json(*db, "deal", "add", "Upsell", "--contact", "ada", "--value", "50", "--currency", "USD")
    data = crm.json(*db, "report")
    assert data["satisfaction"]["nps"] == -100.0
    assert data["satisfaction"]["nps_responses"] == 1
    assert data["satisfaction"]["csat"] == 1.0
    assert data["service"]["cases_resolved"] == 1
    assert data["sales"]["won"] == 1
    assert data["sales"]["win_rate"] == 1.0
    assert data["sales"]["won_value"] == {"EUR": "1200.00"}
    assert data["customers"]["clv"] == {"EUR": "1200.00"}
    assert data["pipeline"]["open_value"] == {"USD": "50.00"}
    assert data["pipeline"]["weighted_value"] == {"USD": "5.00"}
    assert data["leads"]["new_leads"] == 1
    assert data["customers"]["new_customers"] == 1
    assert data["activity"]["by_kind"] == {
        "call": 1, "email": 0, "meeting": 0, "note": 0, "chat": 0, "sms": 0, "social": 0,
        "survey": 3,
    }  # fmt: skip
    assert crm.json(*db, "report", "--owner", alice.upper())["service"]["cases_opened"] == 1
    assert crm(*db, "report", "--since", "tomorrow").exit_code == 2
    assert "Satisfaction" in crm.ok(*db, "report")
