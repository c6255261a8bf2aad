"""Alembic environment: always runs on a connection handed over by `termcrm.store.engine`."""

from alembic import context
from sqlmodel import SQLModel

import termcrm.store.models  # noqa: F401  (registers the tables)
from termcrm.store.search_index import not_a_model_table

config = context.config
connection = config.attributes["connection"]

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_object=not_a_model_table,
)
with context.begin_transaction():
    context.run_migrations()
