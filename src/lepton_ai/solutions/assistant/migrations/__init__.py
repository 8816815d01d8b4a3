"""Alembic migrations of the conversation log's tables (run by ConversationLog on open)."""
