"""The schema revision this termcrm writes, readable without importing Alembic.

`termcrm remind` compares it with the database's `alembic_version` using only sqlite3;
a test asserts it equals the head of `store/migrations/versions`.
"""

HEAD = "0013"
