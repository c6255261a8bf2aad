"""The schema revision this termcrm writes, readable without importing Alembic.

`termcrm remind` compares it with the database's `alembic_version` using only sqlite3;
a test asserts it equals the head of `store/migrations/versions`.
"""

<<<<<<< HEAD
HEAD = "0007"
=======
HEAD = "0008"
>>>>>>> 7c33a1a (Duplicates and merge: contact dupes, contact merge, add/import warnings, phones in E.164)
