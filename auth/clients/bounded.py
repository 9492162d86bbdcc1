"""HTTP calls with a total deadline and a body-size cap, whatever the other side does.

A ``requests`` timeout bounds each socket read, not the whole answer: a server that drips one
byte a second never trips it, and a huge body fills memory. ``BoundedAdapter`` reads the body
itself, a slice at a time, and gives up at the deadline or the size cap.
"""

import time

import requests
from requests.adapters import HTTPAdapter

READ_SLICE = 16 * 1024


class ResponseTooLarge(requests.RequestException):
    """The answer was larger than we accept."""


class DeadlineExceeded(requests.Timeout):
    """The whole exchange took longer than its deadline."""


class BoundedAdapter(HTTPAdapter):
    """A transport adapter with a total ``deadline`` (seconds) and a ``max_bytes`` body cap."""

    def __init__(self, deadline: float, max_bytes: int):
        super().__init__(max_retries=0)
        self.deadline = deadline
        self.max_bytes = max_bytes

    def send(self, request, stream=False, timeout=None, **kwargs):
        """Send, then read the body within the deadline and the cap."""
        started = time.monotonic()
        connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
        read = min(read or self.deadline, self.deadline)
        response = super().send(request, stream=True, timeout=(connect, read), **kwargs)
        chunks, size = [], 0
        try:
            while True:
                chunk = response.raw.read1(READ_SLICE, decode_content=True)
                if not chunk:
                    break
                size += len(chunk)
                if size > self.max_bytes:
                    raise ResponseTooLarge(
                        f"the answer is larger than {self.max_bytes} bytes", response=response
                    )
                if time.monotonic() - started > self.deadline:
                    raise DeadlineExceeded(
                        f"no complete answer within {self.deadline:g} s", response=response
                    )
                chunks.append(chunk)
        except (ResponseTooLarge, DeadlineExceeded):
            response.close()
            raise
        except Exception as error:  # a broken or reset connection while reading the body
            response.close()
            raise requests.ConnectionError(str(error), response=response) from error
        response._content = b"".join(chunks)
        response._content_consumed = True
        return response


def bounded_session(
    deadline: float, max_bytes: int, session: requests.Session | None = None
) -> requests.Session:
    """``session`` (or a new one) with every http(s) call bounded."""
    session = session or requests.Session()
    adapter = BoundedAdapter(deadline, max_bytes)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
