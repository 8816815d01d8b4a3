"""The monitor's tables: documents, their mentions, alerts and input checkpoints.

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
        "monitor_documents",
        sa.Column("monitor", sa.String(200), primary_key=True),
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("lang", sa.String(8)),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("sentiment", sa.String(16)),
        sa.Column("polarity", sa.Float, nullable=False),
        sa.Column("topic", sa.String(200)),
        sa.Column("duplicate_of", sa.String(200)),
        sa.Column("entities", sa.Text),
        sa.Column("keywords", sa.Text),
        sa.Column("fields", sa.Text),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_monitor_documents_time", "monitor_documents", ["monitor", "time"])
    op.create_table(
        "monitor_mentions",
        sa.Column("monitor", sa.String(200), primary_key=True),
        sa.Column("document", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("negative", sa.Boolean, nullable=False),
        sa.Column("polarity", sa.Float, nullable=False),
    )
    op.create_index("ix_monitor_mentions_key_time", "monitor_mentions",
                    ["monitor", "kind", "key", "time", "negative", "polarity"])
    op.create_index("ix_monitor_mentions_kind_time", "monitor_mentions",
                    ["monitor", "kind", "time", "key", "negative"])
    op.create_table(
        "monitor_alerts",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("monitor", sa.String(200), nullable=False),
        sa.Column("rule", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
    )
    op.create_index("ix_monitor_alerts_fired", "monitor_alerts", ["monitor", "fired_at"])
    op.create_table(
        "monitor_checkpoints",
        sa.Column("monitor", sa.String(200), primary_key=True),
        sa.Column("input", sa.String(500), primary_key=True),
        sa.Column("offset", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in ("monitor_checkpoints", "monitor_alerts", "monitor_mentions",
                  "monitor_documents"):
        op.drop_table(table)
