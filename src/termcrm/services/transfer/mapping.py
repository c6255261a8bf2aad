"""Column mapping: which column of a file feeds which field of a termcrm record.

Headers are matched by name, never by position, case-, space- and punctuation-insensitively
(`E-mail Address` == `email address` == `EMAILADDRESS`). The aliases below are termcrm's own
field names and plain words; each tool's header names (Google, Outlook, HubSpot, Salesforce,
LinkedIn, Thunderbird) come from its entry in `sources.SOURCES` (docs/import-export.md).
`--map SOURCE=FIELD` overrides any of it.

For contacts, several columns may feed one single-valued field (phone: Primary Phone, then
Mobile Phone, then Business Phone...): the first non-empty one wins for each row, and the
values of the others are kept as custom fields. Columns that feed no field are kept as custom
fields named after their header. Nothing is dropped unless the user says so (`--map COL=`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from termcrm.errors import Invalid
from termcrm.services.transfer import sources as tools
from termcrm.services.transfer.formats.csv import split_list
from termcrm.services.transfer.rows import Row
from termcrm.services.transfer.sources import GOOGLE_MULTI, detect_format, norm

SKIP = "skip"
CUSTOM = "custom"
FIELD_PREFIX = "field:"

# -- targets and aliases ------------------------------------------------------------------------
# For each record kind: target field -> normalised headers, in priority order (the first
# non-empty column wins for single-valued fields). These are termcrm's own names and plain
# words; each tool's names come from its entry in `sources.SOURCES` and follow these.

CONTACT_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "name": ("name", "fullname", "contactname"),
    "first_name": ("firstname", "first"),
    "middle_name": ("middlename",),
    "last_name": ("lastname", "surname", "last"),
    "name_suffix": ("namesuffix", "suffix"),
    # termcrm's own `name_prefix` column only (`build`): other tools' Name Prefix stays custom
    "name_prefix": (),
    "uid": ("uid",),
    "email": ("email", "email1address", "workemail", "emailaddresses"),
    "phone": ("phone", "mobilephonenumber"),
    "company": ("company", "organization"),
    "title": ("title",),
    "tags": ("tags", "tag"),
    "stage": ("stage",),
    "source": ("source",),
    "owner": ("owner",),
    "notes": ("notes", "note", "description"),
    "cadence_days": ("cadencedays", "cadence"),
    "created_at": ("createdat", "dateadded"),
    "updated_at": ("updatedat", "lastmodified"),
    "fields": ("fields", "customfields"),
    "stage_history": ("stagehistory",),
}

_REFS = {
    "contact_email": ("contactemail", "email", "emailaddress"),
    "contact_id": ("contactid",),
    "contact": ("contact", "contactname", "person", "name"),
}
_STAMPS = {
    "created_at": ("createdat",),
    "updated_at": ("updatedat",),
}

COMPANY_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "name": ("name", "company", "organization"),
    "domain": ("domain", "website"),
    "industry": ("industry",),
    "owner": ("owner",),
    "tags": ("tags",),
    "fields": ("fields", "customfields"),
    "notes": ("notes", "description"),
    **_STAMPS,
}

INTERACTION_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    **_REFS,
    "kind": ("kind", "type", "activitytype", "channel"),
    "direction": ("direction",),
    "occurred_at": ("occurredat", "when", "date", "datetime", "activitydate", "timestamp"),
    "summary": ("summary", "subject", "title"),
    "body": ("body", "details", "notes", "description"),
    "duration_min": ("durationmin", "duration", "minutes"),
    "outcome": ("outcome", "result"),
    "metric": ("metric",),
    "score": ("score",),
    "logged_by": ("loggedby", "owner", "user"),
    **_STAMPS,
}

DEAL_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "title": ("title", "name"),
    **_REFS,
    "company": ("company",),
    "value_minor": ("valueminor",),
    "value": ("value", "amount"),
    "currency": ("currency", "currencycode"),
    "stage": ("stage",),
    "probability": ("probability",),
    "expected_close": ("expectedclose", "close"),
    "closed_at": ("closedat",),
    "lost_reason": ("lostreason",),
    "owner": ("owner",),
    "stage_history": ("stagehistory",),
    "notes": ("notes", "description"),
    **_STAMPS,
}

TASK_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "title": ("title", "task", "subject", "summary"),
    "due_at": ("dueat",),
    "due": ("due", "duedate", "duedatetime"),
    "due_has_time": ("duehastime",),
    **_REFS,
    "deal_id": ("dealid", "deal"),
    "priority": ("priority",),
    "recur": ("recur", "recurrence", "repeat"),
    "done": ("done", "completed"),
    "done_at": ("doneat", "completedat"),
    "owner": ("owner", "assignedto"),
    "notes": ("notes", "description"),
    **_STAMPS,
}

CASE_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    **_REFS,
    "subject": ("subject", "title", "summary"),
    "priority": ("priority",),
    "status": ("status",),
    "owner": ("owner", "assignedto"),
    "opened_at": ("openedat", "opened"),
    "resolved_at": ("resolvedat", "resolved"),
    "resolution_note": ("resolutionnote", "resolution"),
    "notes": ("notes", "description"),
    **_STAMPS,
}


def _with_sources(kind: str, own: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """termcrm's names for `kind`'s fields, then every tool's (`sources.aliases`)."""
    merged = {target: list(names) for target, names in own.items()}
    for _src, target, names in tools.aliases(kind):
        if target in merged:  # a field of every kind (EVERY_KIND) that this kind lacks: none
            merged[target].extend(n for n in names if n not in merged[target])
    return {target: tuple(names) for target, names in merged.items()}


ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    kind: _with_sources(kind, own)
    for kind, own in (
        ("contacts", CONTACT_ALIASES),
        ("companies", COMPANY_ALIASES),
        ("interactions", INTERACTION_ALIASES),
        ("deals", DEAL_ALIASES),
        ("tasks", TASK_ALIASES),
        ("cases", CASE_ALIASES),
    )
}

#: Columns of termcrm's own exports that are derived from others and read back as nothing.
DERIVED: dict[str, tuple[str, ...]] = {
    "contacts": (),
    "companies": ("contacts", "opendeals"),
    "interactions": (),
    "deals": ("companyid",),
    "tasks": ("duedate",),
    "cases": (),
}

#: Targets that were renamed, still accepted by `--map` (`suffix`: the name's, vCard's N).
RENAMED = {"suffix": "name_suffix"}

#: Fields that collect every column mapped to them instead of taking the first non-empty.
MULTI = {"tags"}


def known_headers(kind: str) -> set[str]:
    return {a for aliases in ALIASES[kind].values() for a in aliases} | set(DERIVED[kind])


# -- the mapping --------------------------------------------------------------------------------


@dataclass
class Mapping:
    """Which column feeds which field. `targets[i]` is the field of column i."""

    kind: str
    headers: list[str]
    targets: list[str]
    #: field -> column indexes in priority order
    sources: dict[str, list[int]] = field(default_factory=dict)
    source_format: str = "CSV"
    overridden: set[int] = field(default_factory=set)
    _plan: tuple | None = field(default=None, repr=False, compare=False)

    def describe(self) -> list[tuple[str, str]]:
        """(column, where it goes) for every column, for --dry-run."""
        rows = []
        for i, (header, target) in enumerate(zip(self.headers, self.targets, strict=True)):
            label = header or f"(column {i + 1})"
            if target == SKIP:
                where = "ignored"
            elif target == CUSTOM:
                where = f"custom field {custom_keys(self.headers)[i]!r}"
            elif target.startswith(FIELD_PREFIX):
                where = f"custom field {target[len(FIELD_PREFIX) :]!r}"
            else:
                where = target
                cols = self.sources.get(target, [])
                if target not in MULTI and len(cols) > 1:
                    rank = cols.index(i) + 1
                    where = (
                        f"{target} (choice {rank} of {len(cols)}; else kept as a custom field)"
                        if rank > 1
                        else f"{target} (choice 1 of {len(cols)})"
                    )
            rows.append((label, where))
        return rows


def custom_keys(headers: list[str]) -> list[str]:
    """The custom-field name of each column. A header that appears twice (HubSpot re-saved
    through Excel: the contact's and the company's "Last Activity Date") keeps its own
    name the first time; later ones are qualified by their column, so neither overwrites
    the other."""
    keys: list[str] = []
    seen: set[str] = set()
    for i, h in enumerate(headers):
        key = custom_key(h, i)
        if key.lower() in seen:
            key = f"{key} (column {i + 1})"
        seen.add(key.lower())
        keys.append(key)
    return keys


def custom_key(header: str, index: int) -> str:
    key = " ".join(header.replace("\ufeff", "").split())[:100]
    return key or f"column {index + 1}"


def parse_overrides(pairs: list[str] | tuple[str, ...]) -> dict[str, str]:
    """`--map SOURCE=FIELD` pairs as {normalised source: field}; `SOURCE=` ignores a column."""
    out: dict[str, str] = {}
    for pair in pairs:
        source, sep, target = pair.rpartition("=")
        if not sep or not source.strip():
            raise Invalid(f"Invalid --map {pair!r}: use SOURCE_COLUMN=FIELD")
        out[norm(source)] = target.strip()
    return out


def build(kind: str, headers: list[str], overrides: dict[str, str] | None = None) -> Mapping:
    """The mapping for a file of `kind` with this header row (overrides win)."""
    overrides = {k: RENAMED.get(v, v) for k, v in (overrides or {}).items()}
    aliases = ALIASES[kind]
    fmt = detect_format(kind, headers)
    normed = [norm(h) for h in headers]
    allowed = set(aliases) | {SKIP, CUSTOM}
    if kind == "contacts":
        allowed |= {"stage"}
    targets: list[str] = [""] * len(headers)
    overridden: set[int] = set()
    seen_sources: set[str] = set()
    for i, n in enumerate(normed):
        if n in overrides:
            seen_sources.add(n)
            target = overrides[n]
            if target in ("", "-", SKIP):
                target = SKIP
            elif target.lower().startswith(FIELD_PREFIX):
                if kind != "contacts":
                    raise Invalid(f"Invalid --map target {target!r}: only contacts have fields")
                key = target[len(FIELD_PREFIX) :].strip()
                if not key:
                    raise Invalid(f"Invalid --map target {target!r}: name the field")
                target = FIELD_PREFIX + key
            elif target not in allowed:
                raise Invalid(
                    f"Unknown field {target!r} for {kind}; choose one of: "
                    + ", ".join(sorted(set(aliases)))
                    + (", field:NAME" if kind == "contacts" else "")
                    + " (or nothing to ignore the column)"
                )
            targets[i] = target
            overridden.add(i)
    if normed[-2:] == ["line", "error"] and not overridden & {len(normed) - 2, len(normed) - 1}:
        # a rejects file of an earlier `--skip-bad` import: its two columns are not data
        for i in (len(normed) - 2, len(normed) - 1):
            targets[i] = SKIP
            overridden.add(i)
    missing = set(overrides) - seen_sources
    if missing:
        raise Invalid(
            "--map names columns the file does not have: "
            + ", ".join(sorted(missing))
            + "; the header has: "
            + ", ".join(headers)
        )

    # Outlook and Salesforce: "Title" is the honorific when a "Job Title" column exists too.
    local = {k: list(v) for k, v in aliases.items()}
    if kind == "contacts" and "jobtitle" in normed:
        local["title"].remove("title")  # the honorific: kept as a custom field
    src = tools.source(fmt)
    for target in src.own_aliases_only:  # LinkedIn: only `Connected On` is a creation date
        local[target] = [n for scope in (kind, tools.EVERY_KIND)
                         for n in src.aliases.get(scope, {}).get(target, ())]  # fmt: skip
    if kind == "contacts" and fmt == "termcrm":
        local["name_prefix"] = ["nameprefix"]
    sources: dict[str, list[int]] = {}
    by_alias = {}
    for target, names in local.items():
        for rank, name in enumerate(names):
            by_alias.setdefault(name, (target, rank))
    ranked: dict[str, list[tuple[int, int]]] = {}
    derived = set(DERIVED[kind])
    for i, n in enumerate(normed):
        if i in overridden:
            t = targets[i]
            if t not in (SKIP, CUSTOM) and not t.startswith(FIELD_PREFIX):
                ranked.setdefault(t, []).append((-1, i))
            continue
        if n in by_alias:
            target, rank = by_alias[n]
            targets[i] = target
            ranked.setdefault(target, []).append((rank, i))
        elif fmt == "termcrm" and n in derived:
            targets[i] = SKIP
        elif kind == "contacts":
            targets[i] = CUSTOM
        elif src.ignore_unknown_columns:
            targets[i] = SKIP
        else:
            targets[i] = ""
    for target, cols in ranked.items():
        sources[target] = [i for _rank, i in sorted(cols)]
    # one column may feed only one single-valued field: later duplicates go to custom fields
    unknown = [headers[i] or f"(column {i + 1})" for i, t in enumerate(targets) if t == ""]
    if unknown:
        raise Invalid(
            f"Columns with no place in {kind}: {', '.join(unknown)}; map them with "
            f"--map COLUMN=FIELD or ignore them with --map COLUMN="
        )
    # Several columns feeding single-valued fields that are not "choices" (e.g. two `id`
    # columns) keep priority order; that is fine. Reference columns of non-contact kinds:
    # `email` means the contact's email.
    return Mapping(kind, list(headers), targets, sources, fmt, overridden)


# -- applying it to a row --------------------------------------------------------------------


def _is_my_contacts(label: str) -> bool:
    """Google's system group that every contact is in: not a tag."""
    return label[:1] in ("m", "M") and len(label) < 14 and norm(label) == "mycontacts"


def split_multi(value: str, target_norm: str, *, own: bool = False) -> list[str]:
    """Several values in one cell: ` ::: ` (Google) or `;` (Outlook categories, termcrm).

    `own`: the cell comes from termcrm's own export, whose tags are taken as they are: a tag
    may well start with "* " or be "myContacts", Google's mark of a system label and its
    group of all contacts in other files.
    """
    if ";" not in value and GOOGLE_MULTI not in value and not value.startswith(("[", "*")):
        v = value.strip()
        return [v] if v and (own or not _is_my_contacts(v)) else []
    if GOOGLE_MULTI in value:
        parts = [p.strip() for p in value.split(GOOGLE_MULTI)]
    else:
        parts = split_list(value)
    if own:
        return [p for p in parts if p]
    out = []
    for p in parts:
        if p.startswith("* "):  # Google marks system/primary labels with "* "
            p = p[2:].strip()
        if p and not _is_my_contacts(p):
            out.append(p)
    return out


def _plan(mapping: Mapping):
    """The mapping compiled for speed: (single, choices, tags, custom) column lists."""
    plan = getattr(mapping, "_plan", None)
    if plan is not None:
        return plan
    single, choices, tags, custom = [], [], [], []
    keys = custom_keys(mapping.headers)
    contacts = mapping.kind == "contacts"
    for target, cols in mapping.sources.items():
        if target in MULTI:
            tags.extend(cols)
        elif len(cols) == 1:
            single.append((target, cols[0]))
        else:
            choices.append((target, [(i, keys[i]) for i in cols]))
    placeholders = tools.source(mapping.source_format).placeholders
    if contacts:
        for i, t in enumerate(mapping.targets):
            if t == CUSTOM:
                placeholder = placeholders.get(norm(mapping.headers[i]))
                custom.append((i, keys[i], placeholder))
            elif t.startswith(FIELD_PREFIX):
                custom.append((i, t[len(FIELD_PREFIX) :], None))
    nulls = tools.source(mapping.source_format).null_words  # none for termcrm's own files
    plan = (single, choices, tags, custom, contacts, nulls)
    mapping._plan = plan
    return plan


def apply(mapping: Mapping, cells: list[str]) -> Row:
    """One row's cells as field values, tags and custom fields."""
    single, choices, tag_cols, custom_cols, contacts, nulls = _plan(mapping)
    if nulls:  # `null`, `N/A`... written into empty cells
        cells = ["" if c in nulls else c for c in cells]
    # a comprehension: this runs for every row of an import
    values = {target: v for target, i in single if (v := cells[i]) and not v.isspace()}
    tags: list[str] = []
    custom: dict[str, str] = {}
    for target, cols in choices:
        chosen = None
        for i, key in cols:
            v = cells[i]
            if v and not v.isspace():
                if chosen is None:
                    chosen = v
                elif contacts:
                    custom[key] = v.strip()
        if chosen is not None:
            values[target] = chosen
    own = mapping.source_format == "termcrm"
    for i in tag_cols:
        v = cells[i]
        if v and not v.isspace():
            tags.extend(split_multi(v, "", own=own))
    for i, key, placeholder in custom_cols:
        v = cells[i]
        if v and not v.isspace() and v != placeholder:
            custom[key] = v.strip()
    return Row(values, tags, custom)


__all__ = ["GOOGLE_MULTI", "Mapping", "Row", "apply", "build", "detect_format", "norm"]
