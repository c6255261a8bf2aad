"""One writer per record kind (see `base.py` for what they share)."""

from __future__ import annotations

from termcrm.services.transfer.writers.base import Writer
from termcrm.services.transfer.writers.cases import CaseWriter
from termcrm.services.transfer.writers.companies import CompanyWriter
from termcrm.services.transfer.writers.contacts import ContactWriter
from termcrm.services.transfer.writers.deals import DealWriter
from termcrm.services.transfer.writers.interactions import InteractionWriter
from termcrm.services.transfer.writers.tasks import TaskWriter

WRITERS: dict[str, type[Writer]] = {
    "contacts": ContactWriter,
    "companies": CompanyWriter,
    "interactions": InteractionWriter,
    "deals": DealWriter,
    "tasks": TaskWriter,
    "cases": CaseWriter,
}
