"""An API key's rate holds fleet-wide: four gunicorn workers together admit at most the key's
per-minute rate, and not much less (issue 18: within 10%; it was 2.3× before)."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from auth.security.api_keys import create_key
from tests.operations.support import authorize
from tests.operations.test_fleet import fleet  # noqa: F401  (fixture)
from tests.operations.test_fleet import receiver  # noqa: F401  (fixture)
from tests.operations.test_fleet import token_request

RATE = 40


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)
def test_four_workers_together_admit_the_keys_rate(fleet):  # noqa: F811
    authorize(fleet.app, ["A1RATEFLEET"])
    with fleet.app.extensions["spapi"].sessions() as db:
        key = create_key(db, "worker", rate_per_minute=RATE)
    # One minute window for the whole test: start early in a minute.
    if time.time() % 60 > 45:
        time.sleep(61 - time.time() % 60)
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(lambda _: token_request(fleet, key, "A1RATEFLEET"), range(3 * RATE)))
    statuses = [a.status_code for a in answers]
    admitted = statuses.count(200)
    assert set(statuses) <= {200, 429}, statuses
    assert RATE * 0.9 <= admitted <= RATE, (admitted, statuses.count(429))
    refused = next(a for a in answers if a.status_code == 429)
    assert refused.json()["error"] == "temporarily_unavailable" and int(refused.headers["Retry-After"]) >= 1
