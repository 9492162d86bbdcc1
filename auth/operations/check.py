"""``check``: ask LWA for a fresh access token for each stored authorization, so a revoked
seller is known before a worker needs a token, and an LWA outage is told apart from a
revocation.

Requests go out ``concurrency`` at a time, paced (``auth.operations.pacing``); a fresh token
goes into the fleet's shared cache when it has none, and a revoked token's cached one is
dropped. Rows are written from the calling thread only (one writer, whatever the backend).
"""

import logging
import time
from collections.abc import Callable
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait
from dataclasses import asdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from auth.clients.lwa import LwaError
from auth.clients.shared_cache import SharedTokenStore
from auth.clients.token_cache import EXPIRY_MARGIN
from auth.clients.token_cache import RetryPolicy
from auth.clients.token_cache import refresh_key
from auth.operations.pacing import Pace
from auth.vault import health
from auth.vault.crypto import TokenVault
from auth.vault.crypto import VaultError
from auth.vault.models import Authorization
from auth.vault.models import utcnow

log = logging.getLogger(__name__)
# One retry for a failure that may pass; the next check (daily, or the operator's) tries again.
CHECK_RETRY = RetryPolicy(attempts=2, base_delay=0.2, max_delay=1.0, max_retry_after=0.0)
COMMIT_EVERY = 50


@dataclass(frozen=True)
class Checked:
    """One row of the check's report (never a token)."""

    selling_partner_id: str
    region: str
    result: str  # ok, revoked, unreachable
    detail: str


def exit_code(results: Iterable[Checked]) -> int:
    """0 when all are ok, 1 when any is revoked, 2 when any is unreachable and none revoked."""
    found = {r.result for r in results}
    return 1 if "revoked" in found else 2 if "unreachable" in found else 0


class PacedLwa:
    """The LWA client's refresh, paced, and pausing everyone on a 429."""

    def __init__(self, lwa, pace: Pace, on_request: Callable[[], None] | None = None):
        self.lwa = lwa
        self.pace = pace
        self.on_request = on_request

    def refresh(self, refresh_token: str):
        """One paced refresh request."""
        self.pace.wait()
        if self.on_request:
            self.on_request()
        try:
            return self.lwa.refresh(refresh_token)
        except LwaError as error:
            if error.kind == "rate_limited" or error.http_status == 429:
                self.pace.pause(error.retry_after)
            raise


class Checker:
    """Checks stored authorizations against LWA and records each one's health."""

    def __init__(
        self,
        sessions,
        vault: TokenVault,
        lwa,
        shared: SharedTokenStore | None,
        rate: float,
        concurrency: int,
        on_request: Callable[[], None] | None = None,
    ):
        self.sessions = sessions
        self.vault = vault
        self.concurrency = max(1, concurrency)
        self.lwa = PacedLwa(lwa, Pace(rate, burst=self.concurrency), on_request)
        self.shared = shared

    def run(
        self,
        partners: list[str] | None = None,
        report: Callable[[Checked], None] | None = None,
        should_stop: Callable[[], bool] = lambda: False,
    ) -> list[Checked]:
        """Check every authorization (or those of ``partners``); return one row each
        (``should_stop``: no new request goes out once it says so; the rest wait a next run).

        Rows already revoked are reported without asking LWA again under ``--all`` (only
        the partner can fix them); a partner named explicitly is always asked.
        """
        started = time.monotonic()
        with self.sessions() as db:
            statement = select(Authorization).order_by(Authorization.id)
            if partners:
                statement = statement.where(Authorization.selling_partner_id.in_(partners))
            rows = list(db.scalars(statement))
            results: list[Checked] = []
            todo = []
            for row in rows:
                if not partners and (row.health == "revoked" or row.needs_reauthorization):
                    since = row.last_checked_at.isoformat() if row.last_checked_at else "before"
                    results.append(
                        _row(row, "revoked", f"revoked ({since}); the partner must authorize again")
                    )
                    continue
                try:
                    todo.append(
                        (
                            row.id,
                            self.vault.open(row.refresh_token_encrypted, row.selling_partner_id, row.region),
                        )
                    )
                except VaultError:
                    health.record_failing(db, row, "undecryptable")
                    results.append(
                        _row(
                            row,
                            "unreachable",
                            "the stored token cannot be decrypted with TOKEN_ENCRYPTION_KEYS",
                        )
                    )
            by_id = {row.id: row for row in rows}
            for count, (row_id, outcome) in enumerate(self._ask_all(todo, should_stop), 1):
                checked = self._record(db, by_id[row_id], outcome)
                results.append(checked)
                if report:
                    report(checked)
                if count % COMMIT_EVERY == 0:
                    db.commit()  # commit point: a long check keeps what it learnt, a batch at a time
            db.commit()  # commit point: the check's results hold whatever the caller does next
        log.info("check: %d authorizations in %.1f s", len(results), time.monotonic() - started)
        return results

    def _ask_all(self, todo, should_stop):
        """Yield ``(row id, token or LwaError)`` as answers arrive, ``concurrency`` at a time."""
        pending = iter(todo)
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="check") as pool:
            running = {}
            for row_id, token in pending:
                running[pool.submit(self._ask, token)] = row_id
                if len(running) >= self.concurrency * 2:
                    break
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    yield running.pop(future), future.result()
                    following = None if should_stop() else next(pending, None)
                    if following is not None:
                        running[pool.submit(self._ask, following[1])] = following[0]

    def _ask(self, refresh_token: str):
        """Ask LWA itself (never a cache: the answer is the check), retrying once what may pass.

        A fresh token joins the shared tier when it holds none; a cached one is never dropped
        for an outage (the fleet keeps serving it), only for ``invalid_grant``.
        """
        attempt = 1
        while True:
            try:
                response = self.lwa.refresh(refresh_token)
            except LwaError as error:
                if error.kind == "invalid_grant" and self.shared is not None:
                    self.shared.forget(refresh_key(refresh_token))
                if not error.retryable or attempt >= CHECK_RETRY.attempts:
                    return error
                time.sleep(CHECK_RETRY.delay(attempt, error))
                attempt += 1
                continue
            if self.shared is not None:
                try:
                    self.shared.obtain(
                        refresh_key(refresh_token),
                        lambda answer=response: (answer.access_token, answer.expires_in),
                        EXPIRY_MARGIN,
                    )
                except (LwaError, SQLAlchemyError):
                    pass  # sharing is a bonus; the check's answer stands
            return response

    def _record(self, db, row: Authorization, outcome) -> Checked:
        now = utcnow()
        row.last_refresh_at = now
        if not isinstance(outcome, LwaError):
            row.last_refresh_result = "ok"
            recovered = health.record_ok(db, row, now)
            return _row(row, "ok", "recovered" if recovered else "LWA issued an access token")
        if outcome.kind == "invalid_grant":
            health.record_revoked(db, row, now)
            return _row(row, "revoked", "LWA answered invalid_grant: revoked, expired or disabled")
        if outcome.retryable:
            health.record_failing(db, row, outcome.kind, now)
            status = f" (HTTP {outcome.http_status})" if outcome.http_status else ""
            return _row(row, "unreachable", f"LWA could not be asked: {outcome.kind}{status}")
        # invalid_client and the like: our credentials, not the seller's grant.
        health.record_failing(db, row, outcome.kind, now)
        return _row(row, "unreachable", f"LWA refused the app: {outcome.kind}")


def _row(row: Authorization, result: str, detail: str) -> Checked:
    return Checked(row.selling_partner_id, row.region, result, detail)


def as_json(checked: Checked) -> dict:
    """A report row as ``check --json`` prints it."""
    return asdict(checked)
