"""The store: SQLModel tables, the engine and Alembic migrations.

Importing this package is cheap; the heavy modules (`engine`, `models`) are imported by
the code that needs them.
"""
