"""Every table of every capability, in one metadata: what the migrations and the schema test
compare against. Each capability keeps its own tables (``auth/<capability>/tables.py``, the
vault's shared ones in ``auth/vault/models.py``); importing them here registers them all.
"""

from auth.associates import tables as associates_tables
from auth.clients import tables as clients_tables
from auth.connect import tables as connect_tables
from auth.lifecycle import tables as lifecycle_tables
from auth.oauth import tables as oauth_tables
from auth.operations import tables as operations_tables
from auth.security import tables as security_tables
from auth.simulator import tables as simulator_tables
from auth.tokens import tables as tokens_tables
from auth.vault.models import Base

CAPABILITY_TABLES = (
    associates_tables,
    clients_tables,
    connect_tables,
    lifecycle_tables,
    oauth_tables,
    operations_tables,
    security_tables,
    simulator_tables,
    tokens_tables,
)
metadata = Base.metadata
