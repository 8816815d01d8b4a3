"""Alembic's entry point: migrate over the connection FeedbackLog hands in."""

from alembic import context

from lepton_ai.solutions.recommend.feedback import VERSION_TABLE, metadata

context.configure(connection=context.config.attributes["connection"],
                  target_metadata=metadata, version_table=VERSION_TABLE)
with context.begin_transaction():
    context.run_migrations()
