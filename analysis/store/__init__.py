"""The store: an embedded DuckDB file (see :mod:`analysis.store.duckdb_store`)."""

from analysis.store.duckdb_store import Store, StoredFile

__all__ = ["Store", "StoredFile"]
