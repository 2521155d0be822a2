"""What the loader's fork server imports before it forks reading workers.

The loader, and the tables that cleaning would otherwise build in each worker on first use,
are loaded once in the fork server; every worker forked from it starts with them, so the
first batch of a load reaches the writer in a fraction of the time.
"""

from tessera.ingest import load  # noqa: F401  (imported for the workers it will fork)
from tessera.standard.values import load_tables

load_tables()
