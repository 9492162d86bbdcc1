"""The fleet-wide token cache: processes sharing one database make one LWA request between
them; a dead lease holder is replaced once its lease runs out; tokens are sealed at rest."""

import multiprocessing
import os
import time

import pytest
from sqlalchemy import insert
from sqlalchemy import select
from werkzeug import Response

from auth.clients.lwa import LwaClient
from auth.clients.shared_cache import SharedTokenStore
from auth.clients.tables import SharedAccessToken
from auth.clients.token_cache import AccessTokenCache
from auth.vault.crypto import TokenVault
from auth.vault.crypto import digest
from auth.vault.crypto import generate_key
from auth.vault.db import make_engine
from auth.vault.schema import upgrade

ON_BOTH_DATABASES = True
PROCESSES, THREADS = 4, 8
KEY = generate_key()
REFRESH = "Atzr|shared-cache-refresh-token-0123456789"


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def slow_lwa(httpserver, delay=0.3):
    def answer(_request):
        time.sleep(delay)
        return Response(
            '{"access_token": "Atza|shared-0123456789", "token_type": "bearer", "expires_in": 3600}',
            content_type="application/json",
        )

    httpserver.expect_request("/auth/o2/token").respond_with_handler(answer)
    return httpserver.url_for("/auth/o2/token")


def finish(results) -> None:
    """End a forked worker at once, its result flushed: a child forked from a process full of
    threads must not run the parent's exit handlers (a lock copied in the held state hangs them)."""
    results.close()
    results.join_thread()
    os._exit(0)


def reap(processes) -> None:
    """Wait for forked workers; kill any that does not end, so none outlives the test."""
    for process in processes:
        process.join(10)
        if process.is_alive():
            process.kill()
            process.join(5)


def worker(database_url, lwa_url, barrier, results):
    """One app process: its own engine, in-process cache and threads, all cold."""
    import threading

    cache = AccessTokenCache(
        LwaClient(lwa_url, "client", "secret"),
        shared=SharedTokenStore(make_engine(database_url), TokenVault([KEY])),
    )
    got = []

    def call():
        barrier.wait()
        got.append(cache.for_refresh_token(REFRESH).access_token)

    threads = [threading.Thread(target=call) for _ in range(THREADS)]
    [t.start() for t in threads]
    [t.join(30) for t in threads]
    results.put(got)
    finish(results)


def test_processes_sharing_a_database_make_one_lwa_request(engine, database_url, httpserver):
    url = slow_lwa(httpserver)
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(PROCESSES * THREADS), context.Queue()
    processes = [
        context.Process(target=worker, args=(database_url, url, barrier, results), daemon=True)
        for _ in range(PROCESSES)
    ]
    [p.start() for p in processes]
    tokens = [token for _ in processes for token in results.get(timeout=60)]
    reap(processes)
    assert len(tokens) == PROCESSES * THREADS and set(tokens) == {"Atza|shared-0123456789"}
    assert len(httpserver.log) == 1
    with engine.connect() as connection:
        sealed = connection.execute(select(SharedAccessToken.sealed)).scalar_one()
    assert b"Atza|" not in sealed  # sealed at rest


def test_a_dead_lease_holder_is_replaced_when_its_lease_runs_out(engine, httpserver):
    url = slow_lwa(httpserver, delay=0)
    store = SharedTokenStore(engine, TokenVault([KEY]))
    with engine.begin() as connection:  # a process that took the lease, then died
        connection.execute(
            insert(SharedAccessToken).values(
                key_hash=digest(f"refresh:{digest(REFRESH)}"),
                lease_owner="dead",
                lease_until=time.time() + 1.5,
            )
        )
    started = time.monotonic()
    token = AccessTokenCache(LwaClient(url, "client", "secret"), shared=store).for_refresh_token(REFRESH)
    waited = time.monotonic() - started
    assert token.access_token == "Atza|shared-0123456789" and 1.3 <= waited < 5
    assert len(httpserver.log) == 1


def test_a_new_process_is_served_from_the_database_and_forget_clears_every_tier(engine, httpserver):
    url = slow_lwa(httpserver, delay=0)
    vault = TokenVault([KEY])
    first = AccessTokenCache(LwaClient(url, "client", "secret"), shared=SharedTokenStore(engine, vault))
    assert first.for_refresh_token(REFRESH).fetched
    second = AccessTokenCache(LwaClient(url, "client", "secret"), shared=SharedTokenStore(engine, vault))
    served = second.for_refresh_token(REFRESH)
    assert not served.fetched and 3500 < served.expires_at - second.clock() <= 3600
    assert len(httpserver.log) == 1
    second.forget(REFRESH)
    assert first.for_refresh_token(REFRESH, force=True).fetched
    assert len(httpserver.log) == 2


def test_a_token_sealed_under_a_lost_key_is_fetched_again(engine, httpserver):
    url = slow_lwa(httpserver, delay=0)
    AccessTokenCache(
        LwaClient(url, "client", "secret"), shared=SharedTokenStore(engine, TokenVault([KEY]))
    ).for_refresh_token(REFRESH)
    other = AccessTokenCache(
        LwaClient(url, "client", "secret"), shared=SharedTokenStore(engine, TokenVault([generate_key()]))
    )
    assert other.for_refresh_token(REFRESH).access_token == "Atza|shared-0123456789"
    assert len(httpserver.log) == 2
