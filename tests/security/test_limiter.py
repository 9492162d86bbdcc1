"""The log-in limiter: per address, per account for unknown browsers, per device for known
ones; shared through the database, so several workers count together."""

import hashlib
import multiprocessing
from datetime import timedelta

import pytest

from auth.security.limiter import PER_ACCOUNT
from auth.security.limiter import LoginLimiter
from auth.vault.db import make_engine
from auth.vault.models import utcnow
from auth.vault.schema import upgrade
from tests.conftest import ADMIN_PASSWORD
from tests.conftest import AdminActions

ON_BOTH_DATABASES = True


@pytest.fixture
def limiter(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    now = [utcnow()]
    yield LoginLimiter(engine, clock=lambda: now[0]), now
    engine.dispose()


def test_five_failures_block_an_address_for_a_minute(limiter):
    limits, now = limiter
    for _ in range(5):
        assert limits.blocked_for("a", None) == 0
        limits.failed("a", None)
    assert 59 < limits.blocked_for("a", None) <= 60
    assert limits.blocked_for("b", None) == 0  # another address is not blocked
    now[0] += timedelta(seconds=61)
    assert limits.blocked_for("a", None) == 0


def test_rotating_addresses_hit_the_account_limit(limiter):
    limits, _now = limiter
    for n in range(PER_ACCOUNT):
        assert limits.blocked_for(f"spoofed-{n}", None) == 0
        limits.failed(f"spoofed-{n}", None)
    assert limits.blocked_for("spoofed-new", None) > 0
    # A browser that logged in before still may try: nobody can lock its owner out.
    assert limits.blocked_for("spoofed-new", "trusted-device") == 0


def test_a_device_is_limited_on_its_own(limiter):
    limits, _now = limiter
    for _ in range(5):
        limits.failed("shared-proxy", "device-1")
    assert limits.blocked_for("shared-proxy", "device-1") > 0
    assert limits.blocked_for("shared-proxy", "device-2") == 0
    assert limits.blocked_for("shared-proxy", None) == 0  # device failures don't block the address


def test_success_forgets_the_address(limiter):
    limits, _now = limiter
    for _ in range(4):
        limits.failed("a", None)
    limits.succeeded("a", None)
    limits.failed("a", None)
    assert limits.blocked_for("a", None) == 0


def _fail_in_child(url, barrier, results):
    engine = make_engine(url)
    barrier.wait()
    limits = LoginLimiter(engine)
    checks = 0
    for _ in range(15):
        if limits.blocked_for("attacker", None) == 0:
            checks += 1
            limits.failed("attacker", None)
    results.put(checks)
    engine.dispose()


def test_four_processes_share_one_count(database_url, limiter):
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(4), context.Queue()
    processes = [
        context.Process(target=_fail_in_child, args=(database_url, barrier, results)) for _ in range(4)
    ]
    for process in processes:
        process.start()
    checks = sum(results.get(timeout=120) for _ in processes)
    for process in processes:
        process.join(10)
    # 60 attempts across 4 processes: the shared count lets through 5, plus at most one
    # racing check per other process between its read and its write.
    assert 5 <= checks <= 8


def test_a_blocked_address_does_not_lock_out_a_known_browser(app, client):
    admin = AdminActions(client)
    assert admin.login().status_code == 302  # this browser becomes a trusted device
    client.post("/console/logout", data={"csrf_token": admin.csrf("/console/")})
    stranger = app.test_client()
    for _ in range(5):
        assert AdminActions(stranger).login("wrong").status_code == 401  # same address (test client)
    assert AdminActions(stranger).login(ADMIN_PASSWORD).status_code == 429
    assert admin.login().status_code == 302  # the administrator's browser still gets in


def test_address_hash_not_address_is_stored(app, client):
    AdminActions(client).login("wrong")
    with app.extensions["spapi"].engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT address_hash FROM login_failures").scalar()
    assert stored == hashlib.sha256(b"127.0.0.1").hexdigest()
