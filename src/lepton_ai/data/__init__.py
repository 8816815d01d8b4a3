"""Reading user tables (CSV, TSV, JSONL, JSON, Parquet, TXT) as rows or one column."""

from lepton_ai.data.tables import count_rows, iter_rows, read_rows, text_column

__all__ = ["count_rows", "iter_rows", "read_rows", "text_column"]
