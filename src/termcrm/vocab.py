"""The fixed vocabularies of termcrm, importable without any heavy dependency.

The CLI uses these for help texts and completion; the services validate against them.
"""

from __future__ import annotations

CONTACT_STAGES = ("lead", "prospect", "customer", "churned")
DEAL_STAGES = ("lead", "qualified", "proposal", "negotiation", "won", "lost")
OPEN_DEAL_STAGES = ("lead", "qualified", "proposal", "negotiation")
CLOSED_DEAL_STAGES = ("won", "lost")
INTERACTION_KINDS = ("call", "email", "meeting", "note", "chat", "sms", "social")
#: `survey` is an interaction kind too, logged with `log survey` and a score.
ALL_INTERACTION_KINDS = (*INTERACTION_KINDS, "survey")
DIRECTIONS = ("in", "out")
TASK_PRIORITIES = ("low", "normal", "high")
CASE_PRIORITIES = ("low", "normal", "high", "urgent")
CASE_STATUSES = ("open", "resolved")
SURVEY_METRICS = ("nps", "csat")
#: Default probability (percent) of a deal entering a stage without an explicit one.
STAGE_PROBABILITY = {
    "lead": 10,
    "qualified": 25,
    "proposal": 50,
    "negotiation": 75,
    "won": 100,
    "lost": 0,
}
DEFAULT_CURRENCY = "EUR"
