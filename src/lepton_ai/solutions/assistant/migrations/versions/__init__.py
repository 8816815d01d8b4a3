"""One file per schema revision; Alembic reads them in the order of down_revision."""
