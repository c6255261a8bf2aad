"""Team mode on PostgreSQL: who is acting, what they may change, and the team's logins.

Who you are is who the database says: the login of the connection (`session_user`).
`--user`/`TERMCRM_USER` may name someone else only when that login is an admin (imports on
behalf of a colleague). PostgreSQL enforces the rules itself (grants and row-level security
made by `termcrm.store.teamsql`); the check before each flush here only turns a refusal
into a sentence naming the record and its owner. On SQLite one file is one person and none
of this applies (docs/team.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import unicodedata
import weakref
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, event, inspect, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from termcrm import paths
from termcrm.errors import Forbidden, Invalid, NotFound
from termcrm.store import teamsql
from termcrm.store.engine import Store
from termcrm.textfold import fold

ROLES = teamsql.ROLES
NEEDS_POSTGRES = (
    "Team commands need PostgreSQL: a SQLite file is one person's CRM "
    "(open a team's CRM with --db postgresql+psycopg://...)"
)


@dataclass(frozen=True)
class Identity:
    """The login of a PostgreSQL connection and its role on this CRM (None: not on the team)."""

    login: str
    role: str | None
    database: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


_identities: weakref.WeakKeyDictionary[Engine, Identity] = weakref.WeakKeyDictionary()


def identity(session: Session | Connection) -> Identity | None:
    """Who this session's (or Core connection's) login is; None on SQLite."""
    bind = session.get_bind() if isinstance(session, Session) else session.engine
    if bind.dialect.name != "postgresql":
        return None
    engine = getattr(bind, "engine", bind)
    found = _identities.get(engine)
    if found is None:
        login, database = session.execute(
            text("SELECT session_user::text, current_database()::text")
        ).one()
        found = Identity(login, role_of(session, login, database), database)
        _identities[engine] = found
    return found


def role_of(session: Session, login: str, database: str) -> str | None:
    """admin, member or viewer (the highest held), or None."""
    names = {r: teamsql.group_role(database, r) for r in ROLES}
    return session.execute(
        text(
            "SELECT CASE WHEN termcrm_is_admin(CAST(:who AS name)) THEN 'admin' "
            "WHEN EXISTS (SELECT 1 FROM pg_roles g WHERE g.rolname = :member "
            "  AND pg_has_role(CAST(:who AS name), g.oid, 'MEMBER')) THEN 'member' "
            "WHEN EXISTS (SELECT 1 FROM pg_roles g WHERE g.rolname = :viewer "
            "  AND pg_has_role(CAST(:who AS name), g.oid, 'MEMBER')) THEN 'viewer' END"
        ),
        {"who": login, "member": names["member"], "viewer": names["viewer"]},
    ).scalar()


def acting_user(store: Store, requested: str | None) -> str:
    """The name termcrm acts as: on SQLite `--user`/`TERMCRM_USER`/the OS login; on
    PostgreSQL the database login, or, for an admin only, the colleague `requested` names."""
    if store.dialect != "postgresql":
        return paths.current_user(requested)
    with store.read() as session:
        me = identity(session)
    assert me is not None
    wanted = (requested or "").strip()
    if not wanted or wanted == me.login:
        return me.login
    if not me.is_admin:
        raise Invalid(
            f"You are logged in to PostgreSQL as {me.login}; --user/TERMCRM_USER cannot "
            f"name {wanted} (only an admin may act for a colleague)",
            field="user",
        )
    return wanted


# -- the friendly side of row-level security --------------------------------------------------


def label(obj) -> str:
    """`deal #5 "Renewal"`: how a refusal names a record."""
    _entity, column = teamsql.AUDITED.get(obj.__tablename__, (obj.__tablename__, None))
    return record_label(obj.__tablename__, obj.id, getattr(obj, column, None) if column else None)


def record_label(table: str, record_id: int, name: str | None) -> str:
    """`label` from a row's table, id and name column (`teamsql.AUDITED`)."""
    entity = teamsql.AUDITED.get(table, (table, None))[0]
    return f'{entity} #{record_id} "{name}"' if name else f"{entity} #{record_id}"


def _stored(obj, attr: str):
    """The value of `attr` as the database has it (before this flush's changes)."""
    history = inspect(obj).attrs[attr].history
    before = history.deleted or history.unchanged
    return before[0] if before else None


def _owner_of(session: Session, obj) -> tuple[object, str | None] | None:
    """(the record that decides, its stored owner), or None for rows without an owner."""
    table = obj.__tablename__
    if table in teamsql.OWNED:
        return obj, _stored(obj, teamsql.OWNED[table])
    if table in teamsql.CHILDREN:
        from termcrm.store.models import Company, Contact

        parent, column = teamsql.CHILDREN[table]
        model = Contact if parent == Contact.__tablename__ else Company
        with session.no_autoflush:
            record = session.get(model, _stored(obj, column))
        return (record, record.owner) if record is not None else None
    return None


def check_flush(session: Session, _context=None, _instances=None) -> None:
    """Before PostgreSQL refuses (or silently skips) a write, say why in one sentence."""
    me = identity(session)
    if me is None:
        return
    changed = [o for o in session.dirty if session.is_modified(o)] + list(session.deleted)
    _check_owners(session, me, [*session.new, *changed])
    if me.is_admin:
        return
    if me.role == "viewer" and (changed or session.new):
        raise Forbidden(f"{me.login} is a viewer of this CRM: viewers read, they change nothing")
    for obj in changed:
        found = _owner_of(session, obj)
        if found is None:
            continue
        record, owner = found
        refusal = refused(me, label(record), owner)
        if refusal:
            raise Forbidden(refusal)


def refused(me: Identity, what: str, owner: str | None) -> str | None:
    """Why `me` may not change the record `what` owned by `owner`, or None when they may:
    its owner, anyone when it has no owner, and admins may (`termcrm_may_change`)."""
    if me.is_admin or not owner or owner == me.login:
        return None
    return f"{what} belongs to {owner}; only {owner} or an admin may change it"


def install() -> None:
    if not event.contains(Session, "before_flush", check_flush):
        event.listen(Session, "before_flush", check_flush)


# -- the team's logins --------------------------------------------------------------------------


@dataclass
class Member:
    name: str
    role: str
    records: int

    def to_dict(self) -> dict:
        return {"name": self.name, "role": self.role, "records": self.records}


def _admin(session: Session) -> Identity:
    me = identity(session)
    if me is None:
        raise Invalid(NEEDS_POSTGRES)
    if not me.is_admin:
        raise Forbidden(f"{me.login} is not an admin of this CRM; only admins manage the team")
    return me


def login_name(name: str) -> str:
    """A login name as PostgreSQL stores it: any text but control characters, 1-63 bytes."""
    name = (name or "").strip()
    if not name:
        raise Invalid("A team member needs a name", field="name")
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        raise Invalid("A team member's name cannot contain control characters", field="name")
    if len(name.encode()) > 63:
        raise Invalid(f"{name!r} is too long for a login name (63 bytes at most)", field="name")
    if name.lower().startswith("pg_"):
        raise Invalid("Login names starting with pg_ are PostgreSQL's own", field="name")
    return name


def role_name(role: str) -> str:
    role = (role or "").strip().lower()
    if role not in ROLES:
        raise Invalid(f"Unknown role {role!r}; choose admin, member or viewer", field="role")
    return role


def scram_verifier(password: str, *, iterations: int = 4096) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for `password`, computed here so that the
    password itself never travels to the server (where statement logs could keep it)."""
    salt = os.urandom(16)
    salted = hashlib.pbkdf2_hmac(
        "sha256", unicodedata.normalize("NFKC", password).encode(), salt, iterations
    )
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    b64 = base64.b64encode
    return (
        f"SCRAM-SHA-256${iterations}:{b64(salt).decode()}$"
        f"{b64(hashlib.sha256(client_key).digest()).decode()}:{b64(server_key).decode()}"
    )


def _ddl(session: Session, sql: str) -> None:
    """A statement with names and literals quoted in it (no bind parameters to parse)."""
    session.connection().exec_driver_sql(sql)


def _role_exists(session: Session, name: str) -> bool:
    found = session.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name})
    return found.first() is not None


def _grant(session: Session, me: Identity, name: str, role: str) -> None:
    """Make `role` the login's one role on this CRM; admins may create roles (team work)."""
    login = teamsql.quote(name)
    for other in ROLES:
        group = teamsql.quote(teamsql.group_role(me.database, other))
        verb = "GRANT {g} TO {l}" if other == role else "REVOKE {g} FROM {l}"
        _ddl(session, verb.format(g=group, l=login))
    attr = "CREATEROLE" if role == "admin" else "NOCREATEROLE"
    _ddl(session, f"ALTER ROLE {login} {attr}")


def add(session: Session, name: str, role: str, *, password: str | None = None) -> bool:
    """Create the login `name` (or take an existing one) with `role`; True when created."""
    me = _admin(session)
    name, role = login_name(name), role_name(role)
    if current_role(session, me, name) is not None:
        raise Invalid(f"{name} is on the team already; change a role with `team role`")
    created = not _role_exists(session, name)
    if created:
        _ddl(session, f"CREATE ROLE {teamsql.quote(name)} LOGIN")
    if password:
        verifier = teamsql.literal(scram_verifier(password))
        _ddl(session, f"ALTER ROLE {teamsql.quote(name)} PASSWORD {verifier}")
    _grant(session, me, name, role)
    return created


def current_role(session: Session, me: Identity, name: str) -> str | None:
    groups = {teamsql.group_role(me.database, r): r for r in ROLES}
    rows = session.execute(
        text(
            "SELECT g.rolname FROM pg_auth_members am JOIN pg_roles g ON g.oid = am.roleid "
            "JOIN pg_roles m ON m.oid = am.member WHERE m.rolname = :n"
        ),
        {"n": name},
    )
    held = {groups[r[0]] for r in rows if r[0] in groups}
    return next((r for r in ROLES if r in held), None)


def members(session: Session) -> list[Member]:
    """Everyone holding one of this CRM's roles, with how many records each owns."""
    me = identity(session)
    if me is None:
        raise Invalid(NEEDS_POSTGRES)
    held = _held(session, me)
    owned = records_owned(session)
    return [Member(n, r, owned.get(n, 0)) for n, r in held.items()]


def _held(session: Session, me: Identity) -> dict[str, str]:
    """login -> its (highest) role on this CRM."""
    groups = {teamsql.group_role(me.database, r): r for r in ROLES}
    rows = session.execute(
        text(
            "SELECT m.rolname, g.rolname FROM pg_auth_members am "
            "JOIN pg_roles g ON g.oid = am.roleid JOIN pg_roles m ON m.oid = am.member "
            "WHERE g.rolname = ANY(:groups) ORDER BY m.rolname"
        ),
        {"groups": list(groups)},
    )
    held: dict[str, str] = {}
    for login, group in rows:
        role = groups[group]
        if login not in held or ROLES.index(role) < ROLES.index(held[login]):
            held[login] = role
    return held


def owners(session: Session, me: Identity) -> dict[str, str]:
    """Who may own records, by `textfold.fold` of the name: the team, the database's owner
    and the login itself."""
    names = list(_held(session, me))
    names.append(
        session.execute(
            text(
                "SELECT pg_get_userbyid(datdba)::text FROM pg_database "
                "WHERE datname = current_database()"
            )
        ).scalar()
    )
    names.append(me.login)
    return {fold(n): n for n in names if n}


def owner_rule(session: Session | Connection):
    """The owner rule as a function of one name, for checking many records at once
    (imports): on PostgreSQL owners are team members, so an unknown name is `Invalid`
    and any letter case of a member's name gives their login as it is spelt; on SQLite an
    owner is free text, returned as it is. Blank is None."""
    me = identity(session)
    known: dict[str, str] | None = None

    def rule(value: str | None) -> str | None:
        nonlocal known
        if not value or me is None:
            return value or None
        if known is None:
            known = owners(session, me)
        exact = known.get(fold(value))
        if exact is None:
            raise Invalid(
                f"Unknown owner {value!r}: on PostgreSQL owners are team members "
                f"({', '.join(sorted(known.values()))})",
                field="owner",
            )
        return exact

    return rule


def _check_owners(session: Session, me: Identity, objs: list) -> None:
    """On PostgreSQL an owner is a team member (`owner_rule`): a new or changed owner must
    name one (any letter case; stored as the login is spelt)."""
    rule = None
    for obj in objs:
        if teamsql.OWNED.get(getattr(obj, "__tablename__", "")) != "owner":
            continue
        if obj in session.new:
            value = obj.owner
        else:
            added = inspect(obj).attrs["owner"].history.added
            value = added[0] if added else None
        if not value:
            continue
        if rule is None:
            rule = owner_rule(session)
        exact = rule(value)
        if exact != value:
            obj.owner = exact


def agenda_mine_by_default(store: Store) -> bool:
    """`today` shows a member their own agenda unless asked for everyone's (PostgreSQL)."""
    if store.dialect != "postgresql":
        return False
    with store.read() as session:
        me = identity(session)
    return me is not None and me.role == "member"


def owner_pool(session: Session, actor: str | None) -> list[str]:
    """Whom sample data (`termcrm demo`) may assign records to: two made-up colleagues on
    SQLite, the team on PostgreSQL (where owners must be team members)."""
    me = identity(session)
    if me is None:
        return ["sam", "alex", actor or "me"]
    pool = sorted(_held(session, me))
    return [*pool, actor] if actor and actor not in pool else (pool or [me.login])


def records_owned(session: Session) -> dict[str, int]:
    tables = [t for t, c in teamsql.OWNED.items() if c == "owner"]
    union = " UNION ALL ".join(f"SELECT owner FROM {t} WHERE owner IS NOT NULL" for t in tables)
    rows = session.execute(text(f"SELECT owner, count(*) FROM ({union}) o GROUP BY owner"))
    return {owner: n for owner, n in rows}


def change_role(session: Session, name: str, role: str) -> None:
    me = _admin(session)
    name, role = login_name(name), role_name(role)
    if current_role(session, me, name) is None:
        raise NotFound(f"{name} is not on this CRM's team")
    _grant(session, me, name, role)


def remove(session: Session, name: str, *, reassign_to: str) -> int:
    """Take `name` off the team, handing every record they own to `reassign_to`; the login
    itself is dropped unless it is still used elsewhere on the server. Returns the number of
    records reassigned."""
    me = _admin(session)
    name, heir = login_name(name), login_name(reassign_to)
    if name == me.login:
        raise Invalid("You cannot remove yourself from the team; ask another admin")
    if name == heir:
        raise Invalid("Reassign the records to someone other than the member removed")
    if current_role(session, me, name) is None:
        raise NotFound(f"{name} is not on this CRM's team")
    if current_role(session, me, heir) is None:
        raise NotFound(f"{heir} is not on this CRM's team; add them first or choose another")
    moved = 0
    for table, column in teamsql.OWNED.items():
        if column == "owner":
            moved += session.execute(
                text(f"UPDATE {table} SET owner = :heir WHERE owner = :name"),
                {"heir": heir, "name": name},
            ).rowcount
    login = teamsql.quote(name)
    for role in ROLES:
        group = teamsql.quote(teamsql.group_role(me.database, role))
        _ddl(session, f"REVOKE {group} FROM {login}")
    still_used = session.execute(
        text(
            "SELECT 1 FROM pg_auth_members am JOIN pg_roles m ON m.oid = am.member "
            "WHERE m.rolname = :n LIMIT 1"
        ),
        {"n": name},
    ).first()
    if still_used is None:
        try:
            with session.begin_nested():
                _ddl(session, f"DROP ROLE {login}")
        except DBAPIError:
            pass  # it holds privileges elsewhere on the server: the login stays
    return moved
