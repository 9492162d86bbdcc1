"""Observations shared by the fleet: two workers seeing Amazon at once never fail a request."""

from sqlalchemy import event
from sqlalchemy import select

from auth.vault.db import make_engine
from auth.vault.db import make_sessions
from auth.vault.models import Observation
from auth.vault.observations import observe

ON_BOTH_DATABASES = True


def test_an_insert_that_races_another_worker_becomes_an_update(migrated_database_url):
    engine = make_engine(migrated_database_url)
    sessions = make_sessions(engine)
    try:
        with sessions() as first:
            raced = []

            def other_worker_first(*_):
                # Between this worker's look and its write, another worker stores the row.
                if raced:
                    return
                raced.append(True)
                with sessions() as second:
                    observe(second, "amazon_version", "beta")
                    second.commit()

            event.listen(first, "before_flush", other_worker_first)
            observe(first, "amazon_version", "none")
            first.commit()
        with sessions() as db:
            assert [(o.name, o.value) for o in db.scalars(select(Observation))] == [
                ("amazon_version", "none")
            ]
    finally:
        engine.dispose()
