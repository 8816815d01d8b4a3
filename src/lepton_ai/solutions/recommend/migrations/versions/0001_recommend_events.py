"""The recommender's recorded events.

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
        "recommend_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("recommender", sa.String(200), nullable=False),
        sa.Column("user", sa.String(200), nullable=False),
        sa.Column("item", sa.String(300), nullable=False),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_recommend_events_user", "recommend_events",
                    ["recommender", "user", "at"])


def downgrade() -> None:
    op.drop_index("ix_recommend_events_user", table_name="recommend_events")
    op.drop_table("recommend_events")
