"""The store: one contract (:mod:`analysis.store.contract`), two engines.

The embedded DuckDB file (:mod:`analysis.store.duckdb_store`) is the local default; PostgreSQL
(:mod:`analysis.store.postgres_store`) holds a hosted dashboard's athletes.
"""

from analysis.store.contract import AthleteStore
from analysis.store.duckdb_store import Store, StoredFile

__all__ = ["AthleteStore", "Store", "StoredFile"]
