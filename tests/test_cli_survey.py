"""`termcrm log survey CONTACT --nps N | --csat N`: satisfaction answers."""

from __future__ import annotations

import pytest


@pytest.fixture
def ada(crm):
    crm.ok("contact", "add", "Ada Lovelace")


def test_nps_answer_is_a_survey_interaction(crm, ada):
    out = crm.ok("log", "survey", "ada", "--nps", "9", "--comment", "Quick support")
    assert out == "Logged survey #1 for Ada Lovelace: NPS 9\n"
    [data] = crm.json("contact", "show", "ada")["interactions"]
    assert (data["kind"], data["metric"], data["score"]) == ("survey", "nps", 9)
    assert data["summary"] == "NPS 9"
    assert data["body"] == "Quick support"
    assert data["logged_by"] == "tester"


def test_csat_json_and_when(crm, ada):
    data = crm.json("log", "survey", "ada", "--csat", "4", "--when", "2026-11-10 15:30")
    assert (data["metric"], data["score"], data["summary"]) == ("csat", 4, "CSAT 4")
    assert data["occurred_at"] == "2026-11-10T14:30:00+00:00"


@pytest.mark.parametrize("score", ["0", "10"])
def test_nps_bounds_are_valid(crm, ada, score):
    crm.ok("log", "survey", "ada", "--nps", score)


@pytest.mark.parametrize(
    "args, message",
    [
        (("--nps", "11"), "Error: Invalid NPS score 11: a whole number from 0 to 10\n"),
        (("--nps", "-1"), "Error: Invalid NPS score -1: a whole number from 0 to 10\n"),
        (("--csat", "0"), "Error: Invalid CSAT score 0: a whole number from 1 to 5\n"),
        (("--csat", "6"), "Error: Invalid CSAT score 6: a whole number from 1 to 5\n"),
        (("--nps", "9", "--csat", "4"), "Error: Give exactly one of --nps 0..10 or --csat 1..5\n"),
        ((), "Error: Give exactly one of --nps 0..10 or --csat 1..5\n"),
    ],
)
def test_invalid_answers_exit_2_and_write_nothing(crm, ada, args, message):
    result = crm("log", "survey", "ada", *args)
    assert result.exit_code == 2
    assert result.stderr == message
    assert crm.json("contact", "show", "ada")["interactions"] == []


def test_non_numeric_score_is_a_usage_error(crm, ada):
    result = crm("log", "survey", "ada", "--nps", "nine")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error:")


def test_unknown_contact(crm):
    result = crm("log", "survey", "nobody", "--nps", "9")
    assert result.exit_code == 1
    assert result.stderr == "Error: No contact matches 'nobody'\n"
