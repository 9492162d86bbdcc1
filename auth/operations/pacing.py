"""A thread-safe pace for requests to LWA: at most ``rate`` a second, and a pause for
everyone when LWA answers 429 with a Retry-After."""

import threading
import time
from collections.abc import Callable

MAX_PAUSE = 60.0  # a Retry-After longer than this is LWA's problem, not a reason to hang


class Pace:
    """A token bucket of ``rate`` requests a second (bursts of ``burst``), shared by threads."""

    def __init__(
        self,
        rate: float,
        burst: int = 1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.rate = float(rate)
        self.burst = max(1, burst)
        self.clock = clock
        self.sleep = sleep
        self._lock = threading.Lock()
        self._tokens = float(self.burst)
        self._stamp = clock()
        self._paused_until = 0.0

    def wait(self) -> None:
        """Block until one more request may go out."""
        while True:
            with self._lock:
                now = self.clock()
                self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
                self._stamp = now
                delay = max(0.0, self._paused_until - now)
                if delay == 0.0 and self._tokens >= 1.0:
                    self._tokens -= 1.0
                    return
                if delay == 0.0:
                    delay = (1.0 - self._tokens) / self.rate
            self.sleep(delay)

    def pause(self, seconds: float | None) -> None:
        """LWA asked to slow down: nobody sends for ``seconds`` (1 s when it did not say)."""
        seconds = min(MAX_PAUSE, seconds if seconds is not None else 1.0)
        with self._lock:
            self._paused_until = max(self._paused_until, self.clock() + seconds)
            self._tokens = 0.0
