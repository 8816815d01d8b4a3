"""Alembic's entry point: migrate over the connection ConversationLog hands in."""

from alembic import context

from lepton_ai.solutions.assistant.conversation_log import VERSION_TABLE, metadata

context.configure(connection=context.config.attributes["connection"],
                  target_metadata=metadata, version_table=VERSION_TABLE)
with context.begin_transaction():
    context.run_migrations()
