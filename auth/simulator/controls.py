"""Controls to rehearse operations offline: a partner revokes the app, LWA goes down for a
while. Kept in the database like the rest of the simulator's memory, so every worker and
instance of the app answers alike."""

import time

from sqlalchemy import Engine
from sqlalchemy import delete
from sqlalchemy import select

from auth.simulator.grants import GrantStore
from auth.simulator.tables import SimulatorGrant
from auth.vault.crypto import digest

OUTAGE = "lwa-outage"  # the one outage row's key (not a secret: a name)
MAX_OUTAGE_SECONDS = 24 * 3600


def revoke_partner(engine: Engine, selling_partner_id: str) -> int:
    """The partner disables the app: every refresh token issued to them stops working (LWA
    answers ``invalid_grant``). Returns how many tokens that was; a later consent issues a
    new, working one."""
    with engine.begin() as connection:
        gone = connection.execute(
            delete(SimulatorGrant).where(
                SimulatorGrant.kind == "refresh", SimulatorGrant.selling_partner_id == selling_partner_id
            )
        )
    return gone.rowcount


def start_outage(engine: Engine, seconds: int, clock=time.time) -> float:
    """The simulated LWA answers 503 for ``seconds`` (0 ends an outage); returns its end."""
    seconds = max(0, min(int(seconds), MAX_OUTAGE_SECONDS))
    with engine.begin() as connection:
        connection.execute(delete(SimulatorGrant).where(SimulatorGrant.token_hash == digest(OUTAGE)))
    until = clock() + seconds
    if seconds:
        GrantStore(engine).put("outage", OUTAGE, until)
    return until


def outage_left(engine: Engine, clock=time.time) -> float:
    """Seconds the current outage still lasts (0: LWA answers)."""
    with engine.connect() as connection:
        until = connection.scalar(
            select(SimulatorGrant.expires_at).where(SimulatorGrant.token_hash == digest(OUTAGE))
        )
    return max(0.0, (until or 0.0) - clock())
