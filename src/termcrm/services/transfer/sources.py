"""What other tools' exports look like: every vendor is one entry of `SOURCES`.

An entry (`Source`) says how to recognise the tool's files from their header row (per
record kind), its header names for termcrm's fields, the placeholder values it writes into
empty fields, the date shapes and stage names it uses, the footer lines it appends, and the
quirks of its rows. Adding a vendor is adding an entry; `mapping.py` (column aliases),
`values.py` (dates, stages) and `pipeline.py` (footers, trailing fields) read them from here.
Headers are compared normalised (`norm`). docs/import-export.md lists every entry's quirks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def norm(header: str) -> str:
    """`E-mail 1 - Value` -> `email1value`: what header matching compares."""
    return _NON_ALNUM.sub("", header.lower().lstrip("\ufeff"))


@dataclass(frozen=True)
class Detect:
    """A header row is the tool's when it holds every one of `all_of` and, when `any_of`
    is given, at least one of those (normalised headers)."""

    all_of: frozenset[str] = frozenset()
    any_of: frozenset[str] = frozenset()

    def matches(self, headers: set[str]) -> bool:
        return self.all_of <= headers and (not self.any_of or bool(self.any_of & headers))


def detect(*, all_of: Iterable[str] = (), any_of: Iterable[str] = ()) -> Detect:
    return Detect(frozenset(all_of), frozenset(any_of))


#: `aliases` key for header names that mean the same field in every record kind that has it
EVERY_KIND = "*"


#: Words spreadsheets and database exports write into empty cells (HubSpot re-saved through
#: Excel: `null`); read as empty in every file but termcrm's own.
NULL_WORDS = frozenset({"null", "NULL", "Null", "N/A", "n/a", "#N/A", "NaN", "None", "nil"})


@dataclass(frozen=True)
class Source:
    """One tool's exports."""

    name: str  #: shown by --dry-run and in `--json` as `format`
    #: record kind -> how a file of that kind is recognised as this tool's
    detect: dict[str, Detect]
    #: record kind (or EVERY_KIND) -> termcrm field -> header names, in priority order
    aliases: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    #: fields fed only by this tool's own header names when the file is the tool's
    own_aliases_only: frozenset[str] = frozenset()
    #: normalised header -> the value the tool writes there to mean "nothing"
    placeholders: dict[str, str] = field(default_factory=dict)
    #: cells holding exactly one of these are empty (a file re-saved by a spreadsheet)
    null_words: frozenset[str] = NULL_WORDS
    #: several values in one cell are joined by this (besides `;`)
    multi: str | None = None
    #: date and date-time shapes (`strptime`), tried after ISO 8601
    date_formats: tuple[str, ...] = ()
    #: the tool's contact (lifecycle) stages and deal stages (normalised) -> termcrm's
    contact_stages: dict[str, str] = field(default_factory=dict)
    deal_stages: dict[str, str] = field(default_factory=dict)
    #: lines the tool appends after the data, ignored when alone in a row's first cell
    footers: tuple[str, ...] = ()
    #: every row holds one more (empty) field than the header
    trailing_field: bool = False
    #: columns that fit no field are ignored (kinds without custom fields) instead of
    #: asking for --map: the tool's exports carry dozens
    ignore_unknown_columns: bool = False
    #: rows with only a date are people who hide their details: counted, not imported
    hidden_rows: bool = False
    #: the quirks handled, as docs/import-export.md tells them
    quirks: tuple[str, ...] = ()


# -- the vendors ------------------------------------------------------------------------------

#: Values Outlook (desktop and Outlook.com) writes into every contact: placeholders, not data.
OUTLOOK_PLACEHOLDERS = {
    "anniversary": "0/0/00",
    "birthday": "0/0/00",
    "gender": "Unspecified",
    "priority": "Normal",
    "sensitivity": "Normal",
    "private": "False",
    "emailtype": "SMTP",
    "email2type": "SMTP",
    "email3type": "SMTP",
}

#: Month-first slashes, as US tools (and Excel in a US locale) write them: `2/5/24` is
#: 5 February 2024. A two-digit year is 1969-2068 (Python's `%y`).
US_DATES = (
    "%m/%d/%Y",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%y",
    "%m/%d/%y %H:%M",  # a HubSpot export re-saved by Excel: 2/5/24 1:51
    "%m/%d/%y %I:%M %p",
    "%m/%d/%Y %I:%M:%S %p",
)

#: HubSpot writes a deal's contact as `Name (email)`.
NAME_AND_EMAIL = re.compile(r"^(?P<name>.*?)\s*\((?P<email>[^()\s]+@[^()\s]+)\)\s*$")

TERMCRM = Source(
    "termcrm",
    detect={
        "contacts": detect(all_of={"id", "name", "email", "stage", "tags", "fields", "createdat"}),
        **{
            kind: detect(all_of={"id", "createdat", "updatedat"})
            for kind in ("companies", "interactions", "deals", "tasks", "cases")
        },
    },
    null_words=frozenset(),  # its cells are taken as written: `None` may be a name
    quirks=("Its own exports: ids kept when restoring into an empty table, cells as written.",),
)

GOOGLE = Source(
    "Google Contacts",
    detect={"contacts": detect(any_of={"email1label", "labels", "organizationname"})},
    aliases={
        "contacts": {
            "name": ("fileas",),
            "name_suffix": ("namesuffix",),
            "email": ("email1value",),
            "phone": ("phone1value",),
            "company": ("organizationname",),
            "title": ("organizationtitle",),
            "tags": ("labels",),
        }
    },
    multi=" ::: ",
    quirks=(
        "Several values in one cell joined by ` ::: `: the first email and phone are the "
        "contact's, the others kept as the custom fields `other emails` / `other phones`.",
        "Labels: `* myContacts` (every contact's group) dropped, the `* ` of system labels "
        "removed, the rest become tags.",
        "UTF-8 with a byte-order mark; contacts with only a phone (phone-synced) are named "
        "from the phone.",
    ),
)

GOOGLE_CSV = Source(
    "Google CSV",
    detect={"contacts": detect(all_of={"givenname"}, any_of={"familyname", "groupmembership"})},
    aliases={
        "contacts": {
            "first_name": ("givenname",),
            "middle_name": ("additionalname",),
            "last_name": ("familyname",),
            "name_suffix": ("namesuffix",),
            "email": ("email1value",),
            "phone": ("phone1value",),
            "company": ("organization1name",),
            "title": ("organization1title",),
            "tags": ("groupmembership",),
        }
    },
    multi=" ::: ",
    quirks=("Google's older format: `Given Name`/`Family Name`, `Group Membership` as tags.",),
)

OUTLOOK_COM = Source(
    "Outlook.com",
    detect={"contacts": detect(any_of={"givenyomi", "imaddress"})},
    aliases={
        "contacts": {
            "email": ("emailaddress",),
            "phone": ("primaryphone", "mobilephone", "businessphone"),
            "title": ("jobtitle",),
        }
    },
    placeholders=OUTLOOK_PLACEHOLDERS,
    date_formats=US_DATES,
    quirks=("Outlook's placeholders (`0/0/00` birthdays, `Normal` priority) are not data.",),
)

OUTLOOK = Source(
    "Outlook",
    detect={"contacts": detect(any_of={"emaildisplayname", "businessstreet2", "emailtype"})},
    aliases={
        "contacts": {
            "email": ("emailaddress",),
            "phone": ("primaryphone", "mobilephone", "businessphone"),
            "title": ("jobtitle",),
            "tags": ("categories",),
        }
    },
    placeholders=OUTLOOK_PLACEHOLDERS,
    date_formats=US_DATES,
    quirks=(
        "Every field quoted, often in the Windows code page: `--encoding cp1252` when it is "
        "not UTF-8.",
        "`Title` is the honorific when a `Job Title` column exists (kept as a custom field).",
        "`Categories` (several, `;`-separated) become tags; placeholders such as `0/0/00` "
        "birthdays, `Unspecified` gender, `Normal` priority and `SMTP` email types are "
        "dropped.",
        "Phones: Primary Phone, else Mobile Phone, else Business Phone; the others are kept "
        "as custom fields.",
    ),
)

HUBSPOT = Source(
    "HubSpot",
    detect={
        "contacts": detect(any_of={"lifecyclestage", "recordid", "contactowner", "hubspotscore"}),
        "companies": detect(any_of={"companydomainname", "companyowner", "recordid"}),
        "deals": detect(any_of={"dealstage", "dealname", "dealowner"}),
    },
    aliases={
        EVERY_KIND: {
            "created_at": ("createdate",),
            "updated_at": ("lastmodifieddate",),
            "contact": ("associatedcontact",),
        },
        "contacts": {
            "phone": ("phonenumber",),
            "company": ("associatedcompany", "companyname"),
            "stage": ("lifecyclestage",),
            "source": ("originalsource",),
            "owner": ("contactowner",),
        },
        "companies": {
            "name": ("companyname",),
            "domain": ("companydomainname", "websiteurl"),
            "owner": ("companyowner",),
        },
        "deals": {
            "title": ("dealname",),
            "company": ("companyname", "associatedcompany"),
            "stage": ("dealstage",),
            "expected_close": ("closedate",),
            "lost_reason": ("closedlostreason",),
            "owner": ("dealowner",),
        },
    },
    date_formats=US_DATES,
    contact_stages={
        "subscriber": "lead",
        "lead": "lead",
        "other": "lead",
        "marketingqualifiedlead": "prospect",
        "mql": "prospect",
        "salesqualifiedlead": "prospect",
        "sql": "prospect",
        "opportunity": "prospect",
        "customer": "customer",
        "evangelist": "customer",
    },
    deal_stages={
        "appointmentscheduled": "lead",
        "qualifiedtobuy": "qualified",
        "presentationscheduled": "proposal",
        "decisionmakerboughtin": "negotiation",
        "contractsent": "negotiation",
        "closedwon": "won",
        "closedlost": "lost",
    },
    ignore_unknown_columns=True,
    quirks=(
        "Lifecycle stages: Subscriber, Lead and Other -> lead; Marketing/Sales Qualified Lead "
        "and Opportunity -> prospect; Customer and Evangelist -> customer.",
        "Deal stages: Appointment Scheduled -> lead, Qualified To Buy -> qualified, "
        "Presentation Scheduled -> proposal, Decision Maker Bought-In and Contract Sent -> "
        "negotiation, Closed Won -> won, Closed Lost -> lost; other stages must be mapped.",
        "`Associated Contact` written as `Name (email)` finds the contact by its email.",
        "Companies and deals exports: columns that fit no field are ignored (listed by "
        "--dry-run) instead of needing dozens of --map options.",
        "Re-saved through Excel: `M/D/YY H:MM` dates, `null`/`N/A` in empty cells, and two "
        "columns with one header (the contact's own keeps its name, the other is qualified "
        "by its column number).",
    ),
)

SALESFORCE = Source(
    "Salesforce",
    detect={
        "contacts": detect(
            any_of={"accountname", "mailingcity", "leadowner", "companyaccount", "accountowner"}
        )
    },
    aliases={
        "contacts": {
            "created_at": ("createddate",),
            "updated_at": ("lastmodifieddate",),
            "phone": ("mobile",),
            "company": ("accountname", "companyaccount"),
            "source": ("leadsource",),
            "owner": ("accountowner", "leadowner"),
        },
        "companies": {"name": ("accountname",), "owner": ("accountowner",)},
        "deals": {
            "title": ("opportunityname",),
            "company": ("accountname",),
            "owner": ("opportunityowner",),
            "probability": ("probabilitypercent",),
        },
        "cases": {"opened_at": ("createddate",), "resolved_at": ("closeddate",)},
    },
    date_formats=US_DATES,
    footers=(
        r"Confidential Information - Do Not Distribute",
        r"Copyright \(c\) .*",
        r"Generated By: .*",
        r".*salesforce\.com, inc\..*",
    ),
    quirks=(
        "Report exports end with a blank line and `Confidential Information - Do Not "
        "Distribute`, copyright and `Generated By:` lines: not rows.",
        "`Title` is the honorific when a `Job Title` column exists; `Mobile` is used when "
        "`Phone` is empty.",
    ),
)

LINKEDIN = Source(
    "LinkedIn",
    detect={"contacts": detect(all_of={"connectedon"})},
    aliases={
        "contacts": {
            "email": ("emailaddress",),
            "title": ("position",),
            "created_at": ("connectedon",),
        }
    },
    own_aliases_only=frozenset({"created_at"}),
    date_formats=("%d %b %Y", "%d %B %Y"),  # 15 Jun 2026
    hidden_rows=True,
    quirks=(
        "`Connections.csv` begins with notes and a blank line before the header.",
        "`Connected On` (`15 Jun 2026`) is the contact's creation date.",
        "Members who hide their details (`,,,,,,02 Jun 2022`) are neither contacts nor "
        "errors: counted as hidden.",
        "Many rows have no email: see the same-name rule.",
    ),
)

THUNDERBIRD = Source(
    "Thunderbird",
    detect={
        "contacts": detect(
            all_of={"primaryemail"}, any_of={"displayname", "screenname", "secondaryemail"}
        )
    },
    aliases={
        "contacts": {
            "name": ("displayname",),
            "email": ("primaryemail",),
            "phone": ("workphone", "mobilenumber"),
        }
    },
    trailing_field=True,
    quirks=(
        "Every row holds one more (empty) field than the header.",
        "Addresses at special-use domains (`@doe.invalid`) are accepted.",
    ),
)

#: Every tool termcrm knows, in the order files are recognised (the first that matches).
SOURCES: tuple[Source, ...] = (
    TERMCRM,
    GOOGLE,
    GOOGLE_CSV,
    OUTLOOK_COM,
    OUTLOOK,
    HUBSPOT,
    SALESFORCE,
    LINKEDIN,
    THUNDERBIRD,
)

#: what a file no entry recognises is called
PLAIN = Source("CSV", detect={})

_BY_NAME = {s.name: s for s in SOURCES}


def source(name: str) -> Source:
    """The entry of the tool named `name` (`detect_format`'s answer); PLAIN when none."""
    return _BY_NAME.get(name, PLAIN)


def detect_format(kind: str, headers: list[str]) -> str:
    """The name of the tool that wrote the file, from its header row (shown by --dry-run)."""
    h = {norm(x) for x in headers}
    for src in SOURCES:
        rule = src.detect.get(kind)
        if rule is not None and rule.matches(h):
            return src.name
    return PLAIN.name


def aliases(kind: str) -> Iterable[tuple[Source, str, tuple[str, ...]]]:
    """(source, field, header names) of every entry's aliases for `kind`, in entry order."""
    for src in SOURCES:
        for scope in (kind, EVERY_KIND):
            for target, names in src.aliases.get(scope, {}).items():
                yield src, target, names


# -- what applies to every file ---------------------------------------------------------------

#: Google's separator of several values in one cell (the writers split emails and phones).
GOOGLE_MULTI = GOOGLE.multi

#: Dates as spreadsheets write them whoever made the file: day first with dots (European
#: locales) and written-out months.
COMMON_DATE_FORMATS = ("%d.%m.%Y", "%d.%m.%Y %H:%M", "%b %d, %Y", "%B %d, %Y")


def _union(parts: Iterable[Iterable[str]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(x for part in parts for x in part))


#: Date shapes tried in order after ISO 8601, in every file: each entry's, then the common
#: ones. Slashes are always month first (no entry writes day-first slashes).
DATE_FORMATS = _union([*(s.date_formats for s in SOURCES), COMMON_DATE_FORMATS])

#: Stage names of other tools (normalised) -> termcrm's, by record kind.
STAGES = {
    "contacts": {k: v for s in SOURCES for k, v in s.contact_stages.items()},
    "deals": {k: v for s in SOURCES for k, v in s.deal_stages.items()},
}

#: Footer lines of every entry (a report's trailer), matched alone in a row's first cell.
FOOTERS = re.compile(
    r"^\s*(" + "|".join(f for s in SOURCES for f in s.footers) + r")\s*$", re.IGNORECASE
)
