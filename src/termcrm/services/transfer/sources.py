"""What other tools' exports look like: everything vendor-specific about files lives here.

Header matching (`norm`), recognising which tool wrote a file (`detect_format`), the values
some tools write as placeholders (`OUTLOOK_PLACEHOLDERS`), their stage names
(`HUBSPOT_STAGES`) and the date shapes they write (`DATE_FORMATS`). The column aliases per
record kind are in `mapping.py`; docs/import-export.md lists every vendor's quirks.
"""

from __future__ import annotations

import re

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def norm(header: str) -> str:
    """`E-mail 1 - Value` -> `email1value`: what header matching compares."""
    return _NON_ALNUM.sub("", header.lower().lstrip("\ufeff"))


#: Values Outlook writes into every contact it exports: placeholders, not data.
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

#: Columns whose cells hold several values joined by ` ::: ` (Google) or `;` (Outlook).
GOOGLE_MULTI = " ::: "

#: HubSpot lifecycle stages (labels and internal values, normalised) -> termcrm stages.
HUBSPOT_STAGES = {
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
}

#: Tools whose every row holds one more (empty) field than the header.
TRAILING_FIELD = frozenset({"Thunderbird"})

#: HubSpot's default deal pipeline stages (normalised) -> termcrm's deal stages.
HUBSPOT_DEAL_STAGES = {
    "appointmentscheduled": "lead",
    "qualifiedtobuy": "qualified",
    "presentationscheduled": "proposal",
    "decisionmakerboughtin": "negotiation",
    "contractsent": "negotiation",
    "closedwon": "won",
    "closedlost": "lost",
}

#: HubSpot writes a deal's contact as `Name (email)`.
NAME_AND_EMAIL = re.compile(r"^(?P<name>.*?)\s*\((?P<email>[^()\s]+@[^()\s]+)\)\s*$")

#: Date shapes other tools write, tried in order after ISO 8601. Slashes are month first
#: (US order, as Salesforce, HubSpot, Outlook and Excel in a US locale write them):
#: `2/5/24` is 5 February 2024. A two-digit year is 1969-2068 (Python's `%y`).
DATE_FORMATS = (
    "%d %b %Y",  # LinkedIn: 15 Jun 2026
    "%d %B %Y",
    "%m/%d/%Y",  # US tools: Salesforce, HubSpot, Outlook
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%y",
    "%m/%d/%y %H:%M",  # a HubSpot export re-saved by Excel: 2/5/24 1:51
    "%m/%d/%y %I:%M %p",
    "%m/%d/%Y %I:%M:%S %p",
    "%d.%m.%Y",
    "%d.%m.%Y %H:%M",
    "%b %d, %Y",
    "%B %d, %Y",
)


def detect_format(kind: str, headers: list[str]) -> str:
    """A name for the tool that wrote the file, from its header row (shown by --dry-run)."""
    h = {norm(x) for x in headers}
    if kind == "contacts":
        if {"id", "name", "email", "stage", "tags", "fields", "createdat"} <= h:
            return "termcrm"
        if "email1label" in h or "labels" in h or "organizationname" in h:
            return "Google Contacts"
        if "givenname" in h and ("familyname" in h or "groupmembership" in h):
            return "Google CSV"
        if "givenyomi" in h or "imaddress" in h:
            return "Outlook.com"
        if "emaildisplayname" in h or "businessstreet2" in h or "emailtype" in h:
            return "Outlook"
        if h & {"lifecyclestage", "recordid", "contactowner", "hubspotscore"}:
            return "HubSpot"
        if h & {"accountname", "mailingcity", "leadowner", "companyaccount", "accountowner"}:
            return "Salesforce"
        if "connectedon" in h:
            return "LinkedIn"
        if "primaryemail" in h and h & {"displayname", "screenname", "secondaryemail"}:
            return "Thunderbird"
        return "CSV"
    own = {"id", "createdat", "updatedat"}
    if own <= h:
        return "termcrm"
    if kind == "deals" and h & {"dealstage", "dealname", "dealowner"}:
        return "HubSpot"
    if kind == "companies" and h & {"companydomainname", "companyowner", "recordid"}:
        return "HubSpot"
    return "CSV"


#: Tools whose columns that fit no field are ignored (shown by --dry-run) in files of kinds
#: without custom fields, instead of asking for --map: their exports carry dozens.
IGNORE_UNKNOWN_COLUMNS = frozenset({"HubSpot"})


#: Words spreadsheets and database exports write into empty cells (HubSpot re-saved through
#: Excel: `null`); read as empty in every file but termcrm's own.
NULL_WORDS = frozenset({"null", "NULL", "Null", "N/A", "n/a", "#N/A", "NaN", "None", "nil"})

#: Lines report exports add after the data (Salesforce: a blank line, then these), ignored
#: when they stand alone in a row's first cell.
FOOTERS = re.compile(
    r"^\s*(Confidential Information - Do Not Distribute|Copyright \(c\) .*"
    r"|Generated By: .*|.*salesforce\.com, inc\..*)\s*$",
    re.IGNORECASE,
)
