"""Likely duplicate contacts: who they are, how sure we are, and why.

Pairs are found by blocking on keys, never by comparing every contact with every other:

- the same email modulo letter case (`termcrm.textfold.fold`), and for providers that ignore
  them, modulo dots (Gmail) and `+tags` (Gmail, Outlook, iCloud, Fastmail, Proton);
- the same phone (E.164, `termcrm/phones.py`; digits as typed where there is none);
- a similar name (rapidfuzz's token sort ratio, on `textfold.search_key`) at the same company;
  within a company only names sharing the first three letters of a word are compared.

Two "Maria Garcia" at different companies with no email or phone in common share no key and
are never paired. Scores run from 0 to 100: the same email 100; the same phone 70 plus up to
25 for the names' similarity; a similar name at the same company 90% of that similarity.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlmodel import Session

from termcrm.textfold import fold, search_key

#: providers that deliver `a.b+tag@` to `ab@` (dots) or to `a.b@` (plus tags)
DOT_BLIND = frozenset({"gmail.com"})
PLUS_TAGS = frozenset(
    {
        "gmail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "icloud.com",
        "me.com",
        "fastmail.com",
        "protonmail.com",
        "proton.me",
    }
)
DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}
#: names at least this similar (0-100) count as "similar"
NAME_CUTOFF = 85
#: more contacts than this on one phone is a switchboard, not one person
PHONE_BLOCK_MAX = 25
DEFAULT_MIN_SCORE = 70


@dataclass(frozen=True)
class Pair:
    """Two contacts that are likely the same person (`a` < `b`)."""

    a: int
    b: int
    score: int
    reasons: tuple[str, ...]
    a_name: str = ""
    b_name: str = ""


@dataclass
class _Row:
    id: int
    name: str
    email: str | None
    phone: str | None
    phone_e164: str | None
    company_id: int | None
    name_key: str = field(init=False)

    def __post_init__(self) -> None:
        self.name_key = " ".join(search_key(self.name).split())


def email_key(email: str | None) -> str | None:
    """The address a mailbox is reached at: folded, and without the dots and `+tags` that
    its provider ignores."""
    if not email or "@" not in email:
        return None
    local, _, domain = fold(email).rpartition("@")
    domain = DOMAIN_ALIASES.get(domain, domain)
    if domain in PLUS_TAGS:
        local = local.split("+", 1)[0]
    if domain in DOT_BLIND:
        local = local.replace(".", "")
    return f"{local}@{domain}"


def phone_key(phone: str | None, e164: str | None) -> str | None:
    """E.164 where the phone has one, else its digits as typed (7 at least)."""
    if e164:
        return e164
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return digits if len(digits) >= 7 else None


def name_similarity(a: str, b: str) -> int:
    from rapidfuzz import fuzz

    ka, kb = (" ".join(search_key(n).split()) for n in (a, b))
    return round(fuzz.token_sort_ratio(ka, kb))


class _Scores:
    """The best score and every reason found for each pair."""

    def __init__(self) -> None:
        self.score: dict[tuple[int, int], int] = {}
        self.reasons: dict[tuple[int, int], list[str]] = defaultdict(list)

    def add(self, a: int, b: int, score: int, reason: str) -> None:
        key = (a, b) if a < b else (b, a)
        if reason not in self.reasons[key]:
            self.reasons[key].append(reason)
        self.score[key] = max(score, self.score.get(key, 0))

    def pairs(self, min_score: int, names: dict[int, str]) -> list[Pair]:
        out = [
            Pair(a, b, s, tuple(self.reasons[(a, b)]), names[a], names[b])
            for (a, b), s in self.score.items()
            if s >= min_score
        ]
        return sorted(out, key=lambda p: (-p.score, p.a, p.b))


def _groups(rows: Iterable[_Row], key) -> Iterable[list[_Row]]:
    by: dict[object, list[_Row]] = defaultdict(list)
    for r in rows:
        k = key(r)
        if k is not None:
            by[k].append(r)
    return (g for g in by.values() if len(g) > 1)


def _pairs_of(group: list[_Row]) -> Iterable[tuple[_Row, _Row]]:
    for i, a in enumerate(group):
        for b in group[i + 1 :]:
            yield a, b


def score_rows(rows: list[_Row], min_score: int = DEFAULT_MIN_SCORE) -> list[Pair]:
    from rapidfuzz import fuzz

    ratio = fuzz.token_sort_ratio
    scores = _Scores()
    for group in _groups(rows, lambda r: email_key(r.email)):
        for a, b in _pairs_of(group):
            scores.add(a.id, b.id, 100, "same email")
    for group in _groups(rows, lambda r: phone_key(r.phone, r.phone_e164)):
        if len(group) > PHONE_BLOCK_MAX:
            continue
        for a, b in _pairs_of(group):
            sim = ratio(a.name_key, b.name_key)
            reasons = "same phone, similar name" if sim >= NAME_CUTOFF else "same phone"
            scores.add(a.id, b.id, round(70 + 0.25 * sim), reasons)
    for company in _groups(rows, lambda r: r.company_id):
        blocks: dict[str, set[int]] = defaultdict(set)
        for n, r in enumerate(company):
            for word in r.name_key.split():
                if len(word) >= 2:
                    blocks[word[:3]].add(n)
        seen: set[tuple[int, int]] = set()
        for members in blocks.values():
            if len(members) < 2:
                continue
            for i, j in _pairs_of(sorted(members)):
                if (i, j) in seen:
                    continue
                seen.add((i, j))
                a, b = company[i], company[j]
                sim = ratio(a.name_key, b.name_key, score_cutoff=NAME_CUTOFF)
                if sim:
                    scores.add(a.id, b.id, round(0.9 * sim), "similar name, same company")
    return scores.pairs(min_score, {r.id: r.name for r in rows})


def _load(session: Session, where=None) -> list[_Row]:
    from termcrm.store.models import Contact

    stmt = select(
        Contact.id,
        Contact.name,
        Contact.email,
        Contact.phone,
        Contact.phone_e164,
        Contact.company_id,
    )
    if where is not None:
        stmt = stmt.where(where)
    return [_Row(*r) for r in session.execute(stmt)]


def find_duplicates(session: Session, *, min_score: int = DEFAULT_MIN_SCORE) -> list[Pair]:
    """Every likely duplicate pair with a score of at least `min_score`, surest first."""
    from termcrm.errors import Invalid

    if not 0 <= min_score <= 100:
        raise Invalid("--min-score must be between 0 and 100")
    return score_rows(_load(session), min_score)


@dataclass(frozen=True)
class Lookalike:
    """An existing contact a new one may duplicate, and why."""

    id: int
    name: str
    reason: str
    score: int = 100


def lookalikes(session: Session, contact, *, limit: int = 5) -> list[Lookalike]:
    """Other contacts that `contact` may duplicate, surest first: the same name, or a
    similar name at the same company or with the same phone (`contact add`'s warning, the
    TUI's "Duplicates" on a contact)."""
    from termcrm.store.models import Contact

    lowered = func.lower(contact.name.strip())
    conditions = [func.lower(Contact.name) == lowered]
    if contact.phone_e164:
        conditions.append(Contact.phone_e164 == contact.phone_e164)
    if contact.company_id is not None:
        conditions.append(Contact.company_id == contact.company_id)
    rows = _load(session, or_(*conditions) & (Contact.id != contact.id))
    me = _Row(
        contact.id,
        contact.name,
        contact.email,
        contact.phone,
        contact.phone_e164,
        contact.company_id,
    )
    found = []
    for row in rows[:2000]:
        pair = score_rows([me, row], min_score=0)
        same_name = row.name_key == me.name_key
        score = pair[0].score if pair else 0
        if same_name:
            found.append(Lookalike(row.id, row.name, "same name", max(score, DEFAULT_MIN_SCORE)))
        elif score >= DEFAULT_MIN_SCORE:
            found.append(Lookalike(row.id, row.name, pair[0].reasons[0], score))
    found.sort(key=lambda f: (-f.score, f.id))
    return found[:limit]
