"""Alembic migrations shipped inside the package; users need no alembic.ini."""
