"""Team mode on PostgreSQL: the group roles, their grants, row-level security and the audit
triggers. The database enforces all of it, so a raw SQL session as a team member's login is
held to the same rules as termcrm (docs/team.md).

Roles are cluster-wide, so the three group roles are named after the database
(`<db>_admin`, `<db>_member`, `<db>_viewer`). `install` is idempotent: migration 0009 runs
it, and every later upgrade runs it again so that tables added by later migrations get
their grants too. SQLite has none of this (one file, one person).
"""

from __future__ import annotations

from sqlalchemy import Connection

ROLES = ("admin", "member", "viewer")

#: tables with an owner: who may change or delete a row is decided by its owner column
OWNED = {
    "contacts": "owner",
    "companies": "owner",
    "deals": "owner",
    "tasks": "owner",
    "cases": "owner",
    "interactions": "logged_by",
}
#: rows that belong to a contact or a company (its tags and custom fields): changed or deleted
#: by whoever may change that record; table -> (the parent's table, the column naming it)
CHILDREN = {
    "contact_tags": ("contacts", "contact_id"),
    "contact_fields": ("contacts", "contact_id"),
    "company_tags": ("companies", "company_id"),
    "company_fields": ("companies", "company_id"),
}
#: history kept by termcrm: members add to it, only admins change it
HISTORY = ("contact_stage_changes", "deal_stage_changes")
#: what the audit trail records: table -> (entity name, the column naming the record)
AUDITED = {
    "contacts": ("contact", "name"),
    "companies": ("company", "name"),
    "deals": ("deal", "title"),
    "tasks": ("task", "title"),
    "cases": ("case", "subject"),
    "interactions": ("interaction", "summary"),
}
AUDIT_TABLE = "audit_log"


def quote(name: str) -> str:
    """An SQL identifier, quoted (names of databases and logins may hold any character)."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def group_role(database: str, role: str) -> str:
    return f"{database}_{role}"


def can_create_roles(conn: Connection) -> bool:
    return bool(
        conn.exec_driver_sql(
            "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"
        ).scalar()
    )


def install(conn: Connection) -> None:
    """Create (or bring up to date) the roles, grants, policies and audit triggers."""
    if conn.dialect.name != "postgresql":
        return
    database = conn.exec_driver_sql("SELECT current_database()").scalar()
    schema = conn.exec_driver_sql("SELECT current_schema()").scalar()
    if can_create_roles(conn):
        _create_roles(conn, database)
    _functions(conn, database, schema)
    _audit_triggers(conn)
    _policies(conn)
    _grants(conn, database, schema)


def _create_roles(conn: Connection, database: str) -> None:
    for role in ROLES:
        name = group_role(database, role)
        # two CRMs on one server can be migrated at the same time: a duplicate is fine
        conn.exec_driver_sql(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
            f"{literal(name)}) THEN CREATE ROLE {quote(name)} NOLOGIN; END IF; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )


def _functions(conn: Connection, database: str, schema: str) -> None:
    admin = literal(group_role(database, "admin"))
    # who counts as an admin: a superuser, the database's owner, a member of <db>_admin
    conn.exec_driver_sql(
        f"""
        CREATE OR REPLACE FUNCTION termcrm_is_admin(who name) RETURNS boolean
        LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
          SELECT coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = who), false)
              OR who = (SELECT pg_get_userbyid(datdba) FROM pg_database
                        WHERE datname = current_database())
              OR EXISTS (SELECT 1 FROM pg_roles g WHERE g.rolname = {admin}
                         AND pg_has_role(who, g.oid, 'MEMBER'))
        $$"""
    )
    conn.exec_driver_sql(
        """
        CREATE OR REPLACE FUNCTION termcrm_may_change(owner text) RETURNS boolean
        LANGUAGE sql STABLE AS $$
          SELECT owner IS NULL OR owner = '' OR owner = session_user::text
              OR termcrm_is_admin(session_user)
        $$"""
    )
    # the audit trail: written with the login's name, whatever the client says; SECURITY
    # DEFINER so that members, who may only read the trail, can have their changes recorded
    conn.exec_driver_sql(
        f"""
        CREATE OR REPLACE FUNCTION termcrm_audit() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = {quote(schema)}, pg_catalog AS $$
        DECLARE
          o jsonb := CASE WHEN TG_OP = 'INSERT' THEN '{{}}'::jsonb ELSE to_jsonb(OLD) END;
          n jsonb := CASE WHEN TG_OP = 'DELETE' THEN '{{}}'::jsonb ELSE to_jsonb(NEW) END;
          r jsonb := CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END;
          diff jsonb := '{{}}'::jsonb;
          k text;
        BEGIN
          FOR k IN SELECT jsonb_object_keys(o || n) LOOP
            CONTINUE WHEN k IN ('id', 'created_at', 'updated_at');
            CONTINUE WHEN coalesce(o -> k, 'null') = coalesce(n -> k, 'null');
            diff := diff || jsonb_build_object(
              k, jsonb_build_array(coalesce(o -> k, 'null'), coalesce(n -> k, 'null')));
          END LOOP;
          IF TG_OP = 'UPDATE' AND diff = '{{}}'::jsonb THEN
            RETURN NULL;
          END IF;
          INSERT INTO {AUDIT_TABLE} (at, actor, action, entity, record_id, contact_id,
                                     label, changes)
          VALUES (clock_timestamp(), session_user,
                  CASE TG_OP WHEN 'INSERT' THEN 'create' WHEN 'UPDATE' THEN 'change'
                             ELSE 'delete' END,
                  TG_ARGV[0], (r ->> 'id')::int,
                  CASE WHEN TG_ARGV[0] = 'contact' THEN (r ->> 'id')::int
                       ELSE (r ->> 'contact_id')::int END,
                  left(r ->> TG_ARGV[1], 200), diff::text);
          RETURN NULL;
        END $$"""
    )


def _audit_triggers(conn: Connection) -> None:
    for table, (entity, label) in AUDITED.items():
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS termcrm_audit ON {table}")
        conn.exec_driver_sql(
            f"CREATE TRIGGER termcrm_audit AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION termcrm_audit({literal(entity)}, {literal(label)})"
        )


def _policy(conn: Connection, table: str, name: str, clause: str) -> None:
    conn.exec_driver_sql(f"DROP POLICY IF EXISTS {name} ON {table}")
    conn.exec_driver_sql(f"CREATE POLICY {name} ON {table} {clause}")


def _policies(conn: Connection) -> None:
    """Everyone on the team reads everything and may add; changing and deleting a row is for
    its owner, anyone when it has no owner, and admins (`termcrm_may_change`)."""
    guarded: dict[str, str] = {t: f"termcrm_may_change({c})" for t, c in OWNED.items()}
    guarded.update(
        {
            t: f"termcrm_may_change((SELECT p.owner FROM {parent} p WHERE p.id = {column}))"
            for t, (parent, column) in CHILDREN.items()
        }
    )
    guarded.update({t: "termcrm_is_admin(session_user)" for t in (*HISTORY, AUDIT_TABLE)})
    # an earlier migration runs this before later ones add their tables: those get theirs then
    present = {
        r[0]
        for r in conn.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        )
    }
    for table, may in guarded.items():
        if table not in present:
            continue
        conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        _policy(conn, table, "termcrm_read", "FOR SELECT USING (true)")
        _policy(conn, table, "termcrm_add", "FOR INSERT WITH CHECK (true)")
        _policy(conn, table, "termcrm_change", f"FOR UPDATE USING ({may}) WITH CHECK (true)")
        _policy(conn, table, "termcrm_delete", f"FOR DELETE USING ({may})")


def _grants(conn: Connection, database: str, schema: str) -> None:
    roles = [group_role(database, r) for r in ROLES]
    present = {
        r[0]
        for r in conn.exec_driver_sql(
            "SELECT rolname FROM pg_roles WHERE rolname = ANY(%(names)s)", {"names": roles}
        )
    }
    if len(present) < len(roles):
        return  # made by a login that may not create roles: `db check` says so
    admin, member, viewer = (quote(r) for r in roles)
    sch = quote(schema)
    run = conn.exec_driver_sql
    run(f"GRANT CONNECT ON DATABASE {quote(database)} TO {admin}, {member}, {viewer}")
    run(f"GRANT USAGE ON SCHEMA {sch} TO {admin}, {member}, {viewer}")
    run(f"GRANT SELECT ON ALL TABLES IN SCHEMA {sch} TO {admin}, {member}, {viewer}")
    run(f"GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {sch} TO {admin}, {member}")
    run(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {sch} TO {admin}, {member}")
    # the trail is the triggers' to write; the schema's version is the owner's to move
    for table in (AUDIT_TABLE, "alembic_version"):
        run(f"REVOKE INSERT, UPDATE, DELETE ON {table} FROM {admin}, {member}")
    run(f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {sch} TO {admin}, {member}, {viewer}")


def problems(conn: Connection) -> list[str]:
    """What `db check` finds missing of the above: empty when all is in place."""
    if conn.dialect.name != "postgresql":
        return []
    database = conn.exec_driver_sql("SELECT current_database()").scalar()
    found = []
    roles = [group_role(database, r) for r in ROLES]
    present = {
        r[0]
        for r in conn.exec_driver_sql(
            "SELECT rolname FROM pg_roles WHERE rolname = ANY(%(n)s)", {"n": roles}
        )
    }
    found += [
        f"role {r} is missing; the database owner runs `termcrm db upgrade`"
        for r in roles
        if r not in present
    ]
    if not found:
        viewer, member = roles[2], roles[1]
        for table in (*OWNED, *CHILDREN, *HISTORY, AUDIT_TABLE):
            if not _may(conn, viewer, table, "SELECT"):
                found.append(f"{viewer} may not read {table}")
            if table != AUDIT_TABLE and not _may(conn, member, table, "INSERT"):
                found.append(f"{member} may not add to {table}")
        if _may(conn, member, AUDIT_TABLE, "UPDATE"):
            found.append(f"{member} may change the audit trail")
    policies = {
        (t, p)
        for t, p in conn.exec_driver_sql(
            "SELECT tablename, policyname FROM pg_policies WHERE schemaname = current_schema()"
        )
    }
    secured = {
        r[0]
        for r in conn.exec_driver_sql(
            "SELECT relname FROM pg_class WHERE relrowsecurity "
            "AND relnamespace = current_schema()::regnamespace"
        )
    }
    for table in (*OWNED, *CHILDREN, *HISTORY, AUDIT_TABLE):
        if table not in secured:
            found.append(f"row-level security is off on {table}")
        for policy in ("termcrm_read", "termcrm_add", "termcrm_change", "termcrm_delete"):
            if (table, policy) not in policies:
                found.append(f"policy {policy} is missing on {table}")
    triggers = {
        r[0]
        for r in conn.exec_driver_sql(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = 'termcrm_audit' AND t.tgenabled <> 'D' "
            "AND c.relnamespace = current_schema()::regnamespace"
        )
    }
    found += [f"the audit trigger is missing on {t}" for t in AUDITED if t not in triggers]
    return found


def _may(conn: Connection, role: str, table: str, privilege: str) -> bool:
    return bool(
        conn.exec_driver_sql(
            "SELECT has_table_privilege(%(r)s, %(t)s, %(p)s)",
            {"r": role, "t": table, "p": privilege},
        ).scalar()
    )
