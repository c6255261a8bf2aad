#!/usr/bin/env python3
"""A seeded, realistic termcrm data set at scale, and awkward contact CSVs for the import benchmark.

    python benchmarks/generate.py --contacts 100000 --interactions 1000000 \
        --deals 50000 --tasks 20000 --seed 7 /tmp/bench.db
    python benchmarks/generate.py --csv /tmp/contacts.csv --rows 100000 --seed 7

The schema is created by termcrm itself (`open_store` migrates a new file), then every table is
filled with raw `sqlite3` `executemany`, one transaction per table, with the table's secondary
indexes dropped during the load and rebuilt after (exactly the same index definitions, read
back from `sqlite_master`). Values are stored the way termcrm's own types store them on SQLite:
datetimes as naive UTC text `YYYY-MM-DD HH:MM:SS.ffffff` (`UTCDateTime`), dates as
`YYYY-MM-DD`, booleans as 0/1, money as integer cents.

Everything is relative to an anchor instant (`--now`, default 2026-11-18 09:00 UTC), so the
same seed always gives the same database; run termcrm with `TERMCRM_NOW` at the anchor (and
`TZ=UTC`) to see "today" as the data set does. `benchmarks/run.py` does that.

Row counts: `--interactions` non-survey interactions plus `--surveys` survey answers (kind
`survey`) in the interactions table; `--tasks` open tasks plus `--done-tasks` completed ones.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sqlite3
import sys
import time
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

DEFAULT_NOW = "2026-11-18T09:00:00+00:00"
YEARS = 3
DAY = 86400

OWNERS = ("anna", "ben", "chloé", "dmitri", "eun-ji", "farid")
FIRST = (
    "Ada", "Grace", "José", "Zoë", "Søren", "Łukasz", "Björk", "Ægir", "François", "Renée",
    "Mónica", "Jürgen", "Ayşe", "Çağla", "Đorđe", "Nguyễn Văn", "Siobhán", "Małgorzata", "Øyvind",
    "Ines", "Tomáš", "Mehmet", "Aoife", "Kenji", "Priya", "Olúwaseun", "Hélène", "Ødegård",
    "Maximilian", "Sophie", "Lars", "Emma", "Noah", "Léa", "Matteo", "Chiara", "Sven", "Ingrid",
    "Pál", "Zsófia", "Dmitri", "Анна", "Ярослав", "Θεόδωρος", "Eun-ji", "Farid", "Amélie", "Iñigo",
)  # fmt: skip
LAST = (
    "Lovelace", "Hopper", "García", "Müller", "Ólafsdóttir", "Kowalski", "Nørgaard", "Dvořák",
    "Öztürk", "Çelik", "Nguyễn", "O'Brien", "Wiśniewska", "Håkansson", "Schäfer", "Jovanović",
    "Łęcka", "Fernández", "Kovács", "Brontë", "Smith", "Okafor", "Yamada", "Patel", "Dubois",
    "Rossi", "Jensen", "Virtanen", "Lindqvist", "de la Cruz", "van der Berg", "Schmidt", "Novák",
    "Petrović", "Ivanova", "Papadopoulos", "Kim", "Haddad", "Bianchi", "Moreau", "Zieliński",
    "Grünewald", "Sánchez", "Ó Súilleabháin", "Þórsson", "Kuznetsov", "Walsh", "Mäkelä",
)  # fmt: skip
COMPANY_ROOTS = (
    "Analytical", "Nordlicht", "Zürcher", "Café Olé", "Smith, Jones & Partner", "Bäckerei Kühn",
    "Østfold", "Łódź Logistics", "Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne",
    "Tyrell", "Cyberdyne", "Soylent", "Hooli", "Vandelay", "Pied Piper", "Größenwahn", "Blåbær",
    "Fjällräven-ish", "Crème Brûlée", "Señor Software", "Ñandú", "Kraków Code", "Dvořák Digital",
)  # fmt: skip
COMPANY_SUFFIX = ("GmbH", "Ltd", "S.A.", "AB", "Oy", "AG", "SARL", "sp. z o.o.", "Inc.", "K.K.")
INDUSTRIES = ("software", "manufacturing", "retail", "logistics", "finance", "health", "food",
              "education", "energy", "consulting")  # fmt: skip
TITLES = ("CEO", "CTO", "Head of Sales", "Einkaufsleiterin", "Directrice financière", "Engineer",
          "Office Manager", "Procurement", "Founder", "VP Marketing", None, None)  # fmt: skip
SOURCES = ("web", "referral", "event", "linkedin", "import", "cold call", None)
TAGS = ("vip", "newsletter", "partner", "trade-fair-2025", "beta", "münchen", "élite",
        "decision-maker", "renewal", "churn-risk", "reseller", "press")  # fmt: skip
FIELD_KEYS = ("linkedin", "birthday", "region", "account_no", "preferred_language")
REGIONS = ("DACH", "Nordics", "Benelux", "Iberia", "CEE", "UK & Ireland", "Île-de-France")
LANGS = ("de", "en", "fr", "es", "pl", "sv", "tr")
CONTACT_STAGES = ("lead", "prospect", "customer", "churned")
CONTACT_STAGE_W = (35, 20, 35, 10)
KINDS = ("call", "email", "meeting", "note", "chat", "sms", "social")
KIND_W = (25, 35, 10, 10, 10, 5, 5)
SUMMARIES = {
    "call": ("Call about renewal", "Rückruf wegen Angebot", "Intro call, «very» keen",
             "Follow-up call: pricing, terms", "Called back re: invoice #{n}"),
    "email": ("Sent proposal v{n}", "Re: Ihre Anfrage", "Quote, revised (again)",
              "Newsletter reply: \"interested\"", "Contract draft attached"),
    "meeting": ("Demo at their office", "Quarterly review", "Workshop in Zürich",
                "Lunch with the team — café", "On-site visit, plant {n}"),
    "note": ("Prefers email over calls", "Budget frozen until Q{q}", "Met at trade fair",
             "Key contact for procurement; cc finance", "Wants a discount ≥10%"),
    "chat": ("Quick question about the API", "Slack: onboarding", "Asked for a callback"),
    "sms": ("Running 10 min late", "Confirmed tomorrow 9:00", "Thanks! 👍"),
    "social": ("Liked our post on LinkedIn", "Commented on the launch", "Shared case study"),
}  # fmt: skip
BODIES = (
    None, None, None,
    "Discussed next steps.\nThey want a second quote, with and without support.",
    "Spoke with the CFO; \"no budget before March\", try again then.",
    "Notizen: Preis ok, Lieferzeit zu lang.\nNächster Schritt: Muster schicken.",
    "Remarks: très intéressés, mais la décision est à Paris.",
)  # fmt: skip
OUTCOMES = ("reached", "voicemail", "no answer", "call back later", "interested", "not now")
DEAL_STAGES = ("lead", "qualified", "proposal", "negotiation", "won", "lost")
DEAL_STAGE_W = (12, 12, 10, 8, 35, 23)
STAGE_PROBABILITY = {"lead": 10, "qualified": 25, "proposal": 50, "negotiation": 75, "won": 100,
                     "lost": 0}  # fmt: skip
OPEN_PATH = ("lead", "qualified", "proposal", "negotiation")
CURRENCIES = ("EUR", "USD", "GBP", "CHF")
CURRENCY_W = (70, 15, 10, 5)
DEAL_WORDS = ("Licence renewal", "Pilot project", "Rahmenvertrag", "Support plan", "Expansion",
              "Migration", "Formation / training", "Hardware refresh", "Consulting days")  # fmt: skip
LOST_REASONS = ("price", "went with competitor", "no budget", "timing", "no decision", None)
TASK_TITLES = ("Call back {name}", "Send quote to {name}", "Follow up: {name}",
               "Prepare demo for {name}", "Check contract with {name}", "Rückruf {name}",
               "Relancer {name}")  # fmt: skip
RECUR = ("daily", "weekly", "monthly", "2w", "10d")
CASE_SUBJECTS = ("Invoice wrong", "Login fails after update", "Lieferung beschädigt",
                 "Feature request: export to Excel", "Slow response times", "Réclamation facture",
                 "Password reset does not arrive", "Refund request")  # fmt: skip
CASE_PRIORITIES = ("low", "normal", "high", "urgent")
CASE_PRIORITY_W = (20, 50, 22, 8)
BATCH = 50_000

# -- small helpers ------------------------------------------------------------------------------

_FOLD = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "æ": "ae", "Æ": "Ae", "ß": "ss",
                       "đ": "d", "Đ": "D", "þ": "th", "Þ": "Th", "ð": "d", "ı": "i", "'": "",
                       " ": ""})  # fmt: skip
_CYR = {"Анна": "anna", "Ярослав": "yaroslav", "Θεόδωρος": "theodoros"}


def ascii_fold(text: str) -> str:
    """An email-safe ASCII form of a name: `Søren Nørgaard` -> `soren` / `norgaard`."""
    if text in _CYR:
        return _CYR[text]
    text = unicodedata.normalize("NFKD", text.translate(_FOLD))
    text = "".join(ch for ch in text if ch.isascii() and (ch.isalnum() or ch in "-."))
    return text.lower() or "x"


_DAYS: dict[int, str] = {}


def fmt_ts(sec: float) -> str:
    """Epoch seconds as `UTCDateTime` stores them on SQLite: naive UTC with microseconds."""
    s = int(sec)
    us = int((sec - s) * 1_000_000)
    d, r = divmod(s, DAY)
    day = _DAYS.get(d)
    if day is None:
        day = _DAYS[d] = (date(1970, 1, 1) + timedelta(days=d)).isoformat()
    return f"{day} {r // 3600:02d}:{r % 3600 // 60:02d}:{r % 60:02d}.{us:06d}"


def fmt_date(sec: float) -> str:
    d = int(sec) // DAY
    day = _DAYS.get(d)
    if day is None:
        day = _DAYS[d] = (date(1970, 1, 1) + timedelta(days=d)).isoformat()
    return day


def midnight(sec: float) -> float:
    return float(int(sec) // DAY * DAY)


def batched(rows: Iterable[Sequence], size: int = BATCH) -> Iterator[list[Sequence]]:
    batch: list[Sequence] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# -- the data set -------------------------------------------------------------------------------


class Generator:
    """Builds every table's rows from one seeded `random.Random`, table by table, in order."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.rnd = random.Random(args.seed)
        self.now = datetime.fromisoformat(args.now).astimezone(UTC).timestamp()
        self.start = self.now - YEARS * 365 * DAY
        self.n_companies = args.companies
        self.contact_created: list[float] = [0.0]  # index = contact id
        self.contact_company: list[int | None] = [None]
        self.contact_names: list[str] = [""]
        self.open_deals: list[tuple[int, int | None]] = []  # (deal id, contact id)

    # companies ------------------------------------------------------------------------------
    def companies(self) -> Iterator[tuple]:
        rnd = self.rnd
        seen: set[str] = set()
        for cid in range(1, self.n_companies + 1):
            root = COMPANY_ROOTS[cid % len(COMPANY_ROOTS)]
            suffix = COMPANY_SUFFIX[(cid // len(COMPANY_ROOTS)) % len(COMPANY_SUFFIX)]
            name = f"{root} {suffix}"
            if name.lower() in seen:
                name = f"{root} {cid} {suffix}"
            seen.add(name.lower())
            created = self.start + rnd.random() * (self.now - self.start) * 0.5
            domain = f"{ascii_fold(root)[:20] or 'co'}{cid}.example"
            yield (
                fmt_ts(created),
                fmt_ts(created + rnd.random() * (self.now - created)),
                cid,
                name,
                domain,
                INDUSTRIES[cid % len(INDUSTRIES)],
                'Key account; "strategic"' if cid % 17 == 0 else None,
            )

    # contacts ------------------------------------------------------------------------------
    def contacts(self) -> Iterator[tuple]:
        rnd = self.rnd
        n = self.args.contacts
        first_f = [ascii_fold(f) for f in FIRST]
        last_f = [ascii_fold(w) for w in LAST]
        stages = rnd.choices(CONTACT_STAGES, CONTACT_STAGE_W, k=n)
        for cid in range(1, n + 1):
            fi = rnd.randrange(len(FIRST))
            li = rnd.randrange(len(LAST))
            name = f"{FIRST[fi]} {LAST[li]}"
            company = (
                rnd.randint(1, self.n_companies)
                if self.n_companies and rnd.random() < 0.8
                else None
            )
            r = rnd.random()
            if r < 0.03:
                email = None
            else:
                domain = f"{company}.example" if company else "mail.example"
                email = f"{first_f[fi]}.{last_f[li]}.{cid}@{domain}"
                if r > 0.9:
                    email = email.title()  # mixed case: unique only case-insensitively
            created = self.start + rnd.random() * (self.now - self.start)
            self.contact_created.append(created)
            self.contact_company.append(company)
            self.contact_names.append(name)
            phone = None
            if rnd.random() < 0.7:
                phone = f"+{rnd.choice((49, 33, 44, 46, 48, 1))} {rnd.randint(10, 999)} {rnd.randint(100000, 9999999)}"
            notes = None
            if rnd.random() < 0.1:
                notes = 'Met at "Hannover Messe", booth 7; likes détails.\nSecond line, with commas, and ß.'
            cadence = rnd.choice((30, 60, 90)) if rnd.random() < 0.1 else None
            yield (
                fmt_ts(created),
                fmt_ts(created + rnd.random() * (self.now - created)),
                cid,
                name,
                email,
                email and email.casefold(),  # textfold.fold of an ASCII address
                phone,
                TITLES[rnd.randrange(len(TITLES))],
                company,
                stages[cid - 1],
                SOURCES[rnd.randrange(len(SOURCES))],
                OWNERS[rnd.randrange(len(OWNERS))],
                notes,
                cadence,
            )
        self.stages = stages

    def contact_tags(self) -> Iterator[tuple]:
        rnd = self.rnd
        for cid in range(1, self.args.contacts + 1):
            k = rnd.choices((0, 1, 2, 3), (30, 35, 25, 10))[0]
            for tag in rnd.sample(TAGS, k):
                yield (cid, tag)

    def contact_fields(self) -> Iterator[tuple]:
        rnd = self.rnd
        for cid in range(1, self.args.contacts + 1):
            k = rnd.choices((0, 1, 2), (40, 40, 20))[0]
            for key in rnd.sample(FIELD_KEYS, k):
                if key == "linkedin":
                    value = f"https://www.linkedin.com/in/contact-{cid}"
                elif key == "birthday":
                    value = f"{rnd.randint(1950, 2000)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
                elif key == "region":
                    value = rnd.choice(REGIONS)
                elif key == "account_no":
                    value = f"K-{cid:07d}"
                else:
                    value = rnd.choice(LANGS)
                yield (cid, key, value)

    def contact_stage_changes(self) -> Iterator[tuple]:
        """Each contact's path from `lead` to its current stage; the first row is its creation."""
        rnd = self.rnd
        rid = 0
        paths = {
            "lead": ("lead",),
            "prospect": ("lead", "prospect"),
            "customer": ("lead", "prospect", "customer"),
            "churned": ("lead", "prospect", "customer", "churned"),
        }
        for cid in range(1, self.args.contacts + 1):
            stage = self.stages[cid - 1]
            path = paths[stage]
            if stage == "customer" and rnd.random() < 0.3:
                path = ("lead", "customer")
            t = self.contact_created[cid]
            span = (self.now - t) / len(path)
            prev = None
            for to in path:
                rid += 1
                yield (rid, cid, prev, to, fmt_ts(t), OWNERS[rid % len(OWNERS)])
                prev = to
                t += rnd.random() * span

    # interactions ----------------------------------------------------------------------------
    def _contact_for_activity(self) -> int:
        # skewed: a few contacts have many interactions, most have a handful
        n = self.args.contacts
        return min(n, int(n * self.rnd.random() ** 1.6) + 1)

    def interactions(self) -> Iterator[tuple]:
        rnd = self.rnd
        n = self.args.interactions
        kinds = rnd.choices(KINDS, KIND_W, k=n)
        iid = 0
        for kind in kinds:
            iid += 1
            cid = self._contact_for_activity()
            created = self.contact_created[cid]
            at = created + rnd.random() * (self.now - created)
            summary = rnd.choice(SUMMARIES[kind])
            if "{" in summary:
                summary = summary.format(n=iid % 97, q=iid % 4 + 1)
            direction = (
                None if kind in ("meeting", "note") else ("out" if rnd.random() < 0.6 else "in")
            )
            duration = outcome = None
            if kind == "call":
                duration = rnd.randint(1, 60)
                outcome = rnd.choice(OUTCOMES)
            elif kind == "meeting":
                duration = rnd.choice((15, 30, 45, 60, 90, 120))
            ts = fmt_ts(at)
            yield (ts, ts, iid, cid, kind, direction, ts, summary, rnd.choice(BODIES), duration,
                   outcome, OWNERS[rnd.randrange(len(OWNERS))], None, None)  # fmt: skip
        self.last_interaction_id = iid

    def surveys(self) -> Iterator[tuple]:
        rnd = self.rnd
        iid = self.last_interaction_id
        for _ in range(self.args.surveys):
            iid += 1
            cid = self._contact_for_activity()
            created = self.contact_created[cid]
            at = created + rnd.random() * (self.now - created)
            if rnd.random() < 0.6:
                metric, score = (
                    "nps",
                    rnd.choices(range(11), (2, 1, 1, 2, 2, 4, 6, 10, 18, 25, 29))[0],
                )
                summary = f"NPS answer: {score}"
            else:
                metric, score = "csat", rnd.choices(range(1, 6), (5, 8, 17, 35, 35))[0]
                summary = f"CSAT answer: {score}/5"
            ts = fmt_ts(at)
            yield (ts, ts, iid, cid, "survey", "in", ts, summary, None, None, None,
                   OWNERS[rnd.randrange(len(OWNERS))], metric, score)  # fmt: skip

    # deals -------------------------------------------------------------------------------------
    def deals(self) -> Iterator[tuple]:
        rnd = self.rnd
        n = self.args.deals
        stages = rnd.choices(DEAL_STAGES, DEAL_STAGE_W, k=n)
        self.deal_paths: list[tuple[int, float, float, tuple[str, ...]]] = []
        for did in range(1, n + 1):
            stage = stages[did - 1]
            cid = rnd.randint(1, self.args.contacts) if self.args.contacts else None
            company = self.contact_company[cid] if cid else None
            value = int(rnd.lognormvariate(9.5, 1.1)) * 100  # cents; median ~13k
            currency = rnd.choices(CURRENCIES, CURRENCY_W)[0]
            closed = lost_reason = None
            start_stage = "lead" if rnd.random() < 0.8 else "qualified"
            if stage in ("won", "lost"):
                # closes spread evenly over the years (no pile-up at the anchor), each after
                # a sales cycle of 3 to 180 days
                end = self.start + rnd.random() * (self.now - 60 - self.start)
                created = max(self.start, end - rnd.uniform(3, 180) * DAY)
                closed = fmt_ts(end)
                expected = fmt_date(end)
                reach = rnd.randint(OPEN_PATH.index(start_stage), 3)
                path = (*OPEN_PATH[OPEN_PATH.index(start_stage) : reach + 1], stage)
                if stage == "lost":
                    lost_reason = LOST_REASONS[rnd.randrange(len(LOST_REASONS))]
            else:
                end = self.now
                # open deals are mostly recent; a few have been stuck in the pipeline for long
                created = self.now - rnd.random() ** 2 * (self.now - self.start)
                # open: closing soon, overdue (past expected close) or later
                expected = fmt_date(self.now + rnd.uniform(-20, 90) * DAY)
                lo = OPEN_PATH.index(start_stage)
                hi = OPEN_PATH.index(stage)
                path = OPEN_PATH[min(lo, hi) : hi + 1]
            self.deal_paths.append((did, created, end, path))
            if stage not in ("won", "lost"):
                self.open_deals.append((did, cid))
            title = f"{rnd.choice(DEAL_WORDS)} – {self.contact_names[cid] if cid else 'n/a'}"
            yield (
                fmt_ts(created),
                fmt_ts(end if closed else created + rnd.random() * (self.now - created)),
                did,
                title,
                cid,
                company,
                value,
                currency,
                stage,
                STAGE_PROBABILITY[stage],
                expected,
                closed,
                lost_reason,
                OWNERS[rnd.randrange(len(OWNERS))],
            )

    def deal_stage_changes(self) -> Iterator[tuple]:
        rnd = self.rnd
        rid = 0
        for did, created, end, path in self.deal_paths:
            t = created
            step = (end - created) / max(1, len(path) - 1)
            prev = None
            for i, to in enumerate(path):
                rid += 1
                if i == len(path) - 1 and to in ("won", "lost"):
                    t = end  # the close is the last change
                yield (rid, did, prev, to, fmt_ts(t), OWNERS[rid % len(OWNERS)])
                prev = to
                t = min(end, t + rnd.uniform(0.3, 1.0) * step)

    # tasks ---------------------------------------------------------------------------------
    def tasks(self) -> Iterator[tuple]:
        rnd = self.rnd
        n_contacts = self.args.contacts
        for i in range(self.args.tasks + self.args.done_tasks):
            tid = i + 1
            done = i >= self.args.tasks
            cid = rnd.randint(1, n_contacts) if n_contacts and rnd.random() < 0.9 else None
            deal = None
            if self.open_deals and rnd.random() < 0.2:
                deal, dcid = self.open_deals[rnd.randrange(len(self.open_deals))]
                cid = dcid
            has_time = rnd.random() < 0.3
            if done:
                due = self.now - rnd.uniform(1, YEARS * 365) * DAY
                done_at = fmt_ts(
                    due + rnd.uniform(-3, 10) * DAY if due + 10 * DAY < self.now else due
                )
            else:
                r = rnd.random()
                if r < 0.15:
                    due = self.now - rnd.uniform(1, 60) * DAY  # overdue
                elif r < 0.20:
                    due = self.now + rnd.uniform(-0.3, 0.5) * DAY  # today
                elif r < 0.40:
                    due = self.now + rnd.uniform(1, 7) * DAY  # this week
                elif r < 0.90:
                    due = self.now + rnd.uniform(8, 120) * DAY
                else:
                    due = None  # no due date
                done_at = None
            if due is not None and not has_time:
                due = midnight(due)  # a date: the day's midnight (TZ=UTC in the benchmark)
            created = (due if due is not None else self.now) - rnd.uniform(1, 30) * DAY
            created = min(created, self.now - 60)
            name = self.contact_names[cid] if cid else "the team"
            title = rnd.choice(TASK_TITLES).format(name=name)
            recur = rnd.choice(RECUR) if rnd.random() < 0.05 else None
            yield (
                fmt_ts(created),
                fmt_ts(created),
                tid,
                title,
                fmt_ts(due) if due is not None else None,
                1 if (has_time and due is not None) else 0,
                cid,
                deal,
                rnd.choices(("low", "normal", "high"), (20, 60, 20))[0],
                recur,
                done_at,
                OWNERS[rnd.randrange(len(OWNERS))],
            )

    # cases ---------------------------------------------------------------------------------
    def cases(self) -> Iterator[tuple]:
        rnd = self.rnd
        for kid in range(1, self.args.cases + 1):
            cid = self._contact_for_activity()
            opened = self.contact_created[cid] + rnd.random() * (
                self.now - self.contact_created[cid]
            )
            resolved = note = None
            status = "open"
            if rnd.random() < 0.8:
                end = opened + rnd.uniform(0.05, 30) * DAY
                if end < self.now:
                    status, resolved = "resolved", fmt_ts(end)
                    note = "Fixed; customer confirmed.\nRefund issued, 10 €." if kid % 3 else None
            yield (
                fmt_ts(opened),
                resolved or fmt_ts(opened),
                kid,
                cid,
                CASE_SUBJECTS[rnd.randrange(len(CASE_SUBJECTS))],
                rnd.choices(CASE_PRIORITIES, CASE_PRIORITY_W)[0],
                status,
                OWNERS[rnd.randrange(len(OWNERS))],
                fmt_ts(opened),
                resolved,
                note,
            )


# (table, columns, generator method) in dependency order
TABLES = (
    ("companies", "created_at updated_at id name domain industry notes", "companies"),
    ("contacts", "created_at updated_at id name email email_key phone title company_id stage source owner "
     "notes cadence_days", "contacts"),
    ("contact_tags", "contact_id tag", "contact_tags"),
    ("contact_fields", "contact_id key value", "contact_fields"),
    ("contact_stage_changes", "id contact_id from_stage to_stage changed_at changed_by",
     "contact_stage_changes"),
    ("interactions", "created_at updated_at id contact_id kind direction occurred_at summary body "
     "duration_min outcome logged_by metric score", "interactions"),
    ("interactions", "created_at updated_at id contact_id kind direction occurred_at summary body "
     "duration_min outcome logged_by metric score", "surveys"),
    ("deals", "created_at updated_at id title contact_id company_id value_minor currency stage "
     "probability expected_close closed_at lost_reason owner", "deals"),
    ("deal_stage_changes", "id deal_id from_stage to_stage changed_at changed_by",
     "deal_stage_changes"),
    ("tasks", "created_at updated_at id title due_at due_has_time contact_id deal_id priority "
     "recur done_at owner", "tasks"),
    ("cases", "created_at updated_at id contact_id subject priority status owner opened_at "
     "resolved_at resolution_note", "cases"),
)  # fmt: skip


def create_schema(db: Path) -> None:
    """Let termcrm itself create and migrate the database (the real schema, at HEAD)."""
    from termcrm.store.engine import open_store

    store = open_store(str(db))
    store.close()


def fill(db: Path, args: argparse.Namespace, *, verbose: bool = False) -> dict[str, int]:
    gen = Generator(args)
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA foreign_keys=OFF")
    con.execute("PRAGMA cache_size=-262144")
    counts: dict[str, int] = {}
    dropped: dict[str, list[str]] = {}
    for table, cols, method in TABLES:
        t0 = time.perf_counter()
        if table not in dropped:
            # secondary indexes are rebuilt after the load: sorting once beats 1M random inserts
            dropped[table] = [
                (name, sql)
                for name, sql in con.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name=? "
                    "AND sql IS NOT NULL",
                    (table,),
                )
            ]
            for name, _ in dropped[table]:
                con.execute(f'DROP INDEX "{name}"')
        columns = cols.split()
        quoted = ", ".join('"' + c + '"' for c in columns)
        sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join('?' * len(columns))})"
        n = 0
        con.execute("BEGIN")
        for batch in batched(getattr(gen, method)()):
            con.executemany(sql, batch)
            n += len(batch)
        con.execute("COMMIT")
        counts[method] = n
        if verbose:
            print(
                f"  {method:<22} {n:>9,} rows  {time.perf_counter() - t0:6.2f} s", file=sys.stderr
            )
    t0 = time.perf_counter()
    con.execute("BEGIN")
    for table in dropped:
        for _name, sql in dropped[table]:
            con.execute(sql)
    con.execute("COMMIT")
    if verbose:
        print(f"  {'indexes':<22} {'':>9}       {time.perf_counter() - t0:6.2f} s", file=sys.stderr)
    con.execute("PRAGMA journal_mode=WAL")  # as termcrm leaves its files
    con.close()
    return counts


# -- CSV for the import benchmark ---------------------------------------------------------------

#: termcrm's own export layout (`records.contact`, written by `formats.csv.write_csv`)
TERMCRM_HEADER = ("id", "name", "email", "phone", "title", "company", "stage", "source", "owner",
                  "tags", "fields", "cadence_days", "notes", "created_at", "updated_at")  # fmt: skip
#: Google Contacts' current ("Labels") layout, the columns that matter for contacts
GOOGLE_HEADER = ("First Name", "Middle Name", "Last Name", "Nickname", "Organization Name",
                 "Organization Title", "Birthday", "Notes", "Labels", "E-mail 1 - Label",
                 "E-mail 1 - Value", "Phone 1 - Label", "Phone 1 - Value", "Custom Field 1 - Label",
                 "Custom Field 1 - Value")  # fmt: skip
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
CSV_NOTES = (
    "",
    "",
    'Said "call me after 3pm", then hung up',
    "Line one\nLine two, with a comma",
    "Ürün, çok iyi; fiyat yüksek",
    "=cmd|' /C calc'!A0 (formula-looking, must stay text)",
    "Zitat: „gut“, Preis: 1.234,56 €",
)


def _cell(value: object) -> str:
    """What termcrm's export writes in a cell (see services/transfer/formats/csv.py)."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(value)
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
    text = str(value)
    return "'" + text if text.startswith(_DANGEROUS) else text


def csv_rows(rows: int, seed: int, layout: str, now: str) -> Iterator[list[str]]:
    rnd = random.Random(seed)
    anchor = datetime.fromisoformat(now).astimezone(UTC).timestamp()
    first_f = [ascii_fold(f) for f in FIRST]
    last_f = [ascii_fold(w) for w in LAST]
    n_comp = max(1, rows // 20)
    for i in range(1, rows + 1):
        fi, li = rnd.randrange(len(FIRST)), rnd.randrange(len(LAST))
        first, last = FIRST[fi], LAST[li]
        if i % 50 == 0:
            last = f"{last}, Jr."  # a comma inside the name
        email = f"{first_f[fi]}.{last_f[li]}.{i}@import{i % 7}.example"
        phone = f"+{rnd.choice((49, 33, 44))} {rnd.randint(10, 999)} {rnd.randint(100000, 9999999)}"
        company_i = rnd.randrange(n_comp)
        company = f"{COMPANY_ROOTS[company_i % len(COMPANY_ROOTS)]} {company_i}"
        title = TITLES[rnd.randrange(len(TITLES))] or ""
        tags = sorted(rnd.sample(TAGS, rnd.choice((0, 1, 1, 2))))
        notes = CSV_NOTES[rnd.randrange(len(CSV_NOTES))]
        if layout == "google":
            labels = " ::: ".join(["* myContacts", *tags])
            yield [first, "", last, "", company, title, "", notes, labels, "* Work", email,
                   "Mobile", phone, "region", rnd.choice(REGIONS)]  # fmt: skip
        else:
            created = fmt_ts(anchor - rnd.random() * YEARS * 365 * DAY).replace(" ", "T")
            created = created.split(".")[0] + "+00:00"
            fields = {"region": rnd.choice(REGIONS)} if rnd.random() < 0.5 else {}
            yield [_cell(v) for v in (
                i, f"{first} {last}", email, phone, title, company,
                rnd.choices(CONTACT_STAGES, CONTACT_STAGE_W)[0], rnd.choice(SOURCES),
                OWNERS[rnd.randrange(len(OWNERS))], tags, fields, None, notes or None,
                created, created,
            )]  # fmt: skip


def write_csv(out: Path, rows: int, seed: int, layout: str, now: str = DEFAULT_NOW) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as fh:
        if layout == "google":
            fh.write("\ufeff")  # Google writes a byte-order mark
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(GOOGLE_HEADER if layout == "google" else TERMCRM_HEADER)
        writer.writerows(csv_rows(rows, seed, layout, now))


# -- command line -------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("db", nargs="?", type=Path, help="SQLite file to create (must not exist)")
    p.add_argument("--contacts", type=int, default=100_000)
    p.add_argument("--interactions", type=int, default=1_000_000, help="non-survey interactions")
    p.add_argument("--deals", type=int, default=50_000)
    p.add_argument("--tasks", type=int, default=20_000, help="open tasks")
    p.add_argument("--done-tasks", type=int, default=None, help="completed tasks (default 2x)")
    p.add_argument("--cases", type=int, default=None, help="service cases (default contacts/20)")
    p.add_argument(
        "--surveys", type=int, default=None, help="NPS/CSAT answers (default contacts/10)"
    )
    p.add_argument("--companies", type=int, default=None, help="default contacts/20")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--now", default=DEFAULT_NOW, help="anchor instant (ISO); data ends here")
    p.add_argument("--force", action="store_true", help="overwrite DB if it exists")
    p.add_argument("--csv", type=Path, help="also write a contacts CSV for the import benchmark")
    p.add_argument("--rows", type=int, default=100_000, help="rows of the --csv file")
    p.add_argument("--csv-layout", choices=("termcrm", "google"), default="termcrm")
    p.add_argument("-q", "--quiet", action="store_true")
    args = p.parse_args(argv)
    if args.db is None and args.csv is None:
        p.error("give a DB file, --csv OUT, or both")
    c = args.contacts
    args.done_tasks = 2 * args.tasks if args.done_tasks is None else args.done_tasks
    args.cases = c // 20 if args.cases is None else args.cases
    args.surveys = c // 10 if args.surveys is None else args.surveys
    args.companies = max(1, c // 20) if args.companies is None else args.companies
    if c <= 0 and (args.interactions or args.surveys or args.cases):
        p.error("interactions, surveys and cases need --contacts > 0")
    return args


def refresh_search_index(db: Path) -> int:
    """Bring termcrm's contact search index up to date, as a long-lived database has it.

    The bulk load fires termcrm's triggers, which only note each contact as changed; termcrm
    folds noted contacts into the index later (`search_index.refresh_contact_search`). Without
    this step every search would start from a backlog of all contacts.
    """
    try:
        from termcrm.store.search_index import refresh_contact_search
    except ImportError:  # a termcrm without the index
        return 0
    from termcrm.store.engine import open_store

    store = open_store(str(db))
    total = 0
    try:
        while True:
            with store.write() as session:
                n = refresh_contact_search(session, batch=25_000)
            if not n:
                return total
            total += n
    finally:
        store.close()


def generate(args: argparse.Namespace) -> dict[str, int]:
    db: Path = args.db
    if db.exists():
        if not args.force:
            raise SystemExit(f"{db} exists; remove it or pass --force")
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    tmp = db.with_name(db.name + ".part")
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    create_schema(tmp)
    counts = fill(tmp, args, verbose=not args.quiet)
    t0 = time.perf_counter()
    indexed = refresh_search_index(tmp)
    if not args.quiet and indexed:
        print(
            f"  {'search index':<22} {indexed:>9,} rows  {time.perf_counter() - t0:6.2f} s",
            file=sys.stderr,
        )
    os.replace(tmp, db)  # only a complete database gets the real name
    return counts


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    t0 = time.perf_counter()
    if args.db is not None:
        counts = generate(args)
        if not args.quiet:
            total = sum(counts.values())
            print(f"{args.db}: {total:,} rows in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    if args.csv is not None:
        t1 = time.perf_counter()
        write_csv(args.csv, args.rows, args.seed, args.csv_layout, args.now)
        if not args.quiet:
            print(
                f"{args.csv}: {args.rows:,} rows in {time.perf_counter() - t1:.1f} s",
                file=sys.stderr,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
