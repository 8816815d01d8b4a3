"""The conversation log: turns and feedback.

Revision ID: 0001
Revises:
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assistant_turns",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("kb", sa.String(200), nullable=False, index=True),
        sa.Column("session", sa.String(200), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("reply", sa.Text, nullable=False),
        sa.Column("action", sa.String(16), nullable=False, index=True),
        sa.Column("entry", sa.String(300)),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("handoff", sa.Boolean, nullable=False),
        sa.Column("handoff_reason", sa.String(32)),
        sa.Column("lang", sa.String(8)),
        sa.Column("intent", sa.String(200)),
        sa.Column("sentiment", sa.String(16)),
        sa.Column("kb_version", sa.Integer),
    )
    op.create_table(
        "assistant_feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("turn", sa.String(32), nullable=False, index=True),
        sa.Column("kb", sa.String(200), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rating", sa.Integer),
        sa.Column("correct_entry", sa.String(300)),
        sa.Column("note", sa.Text),
    )


def downgrade() -> None:
    op.drop_table("assistant_feedback")
    op.drop_table("assistant_turns")
