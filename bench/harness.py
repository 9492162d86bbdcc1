"""Benchmark plumbing: serve WSGI apps in child processes and drive them over loopback.

Servers run in their own processes so that the load generator does not share a GIL with them,
and every measurement is a ratio to a baseline measured in the same run, interleaved round by
round, because absolute times on these machines drift.
"""

import http.client
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit


def _serve(build, sock_fd_holder, ready):
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request would dominate

    sock = socket.socket(fileno=sock_fd_holder)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    app = build(url)
    server = make_server("127.0.0.1", 0, app, threaded=True, fd=sock.fileno())
    ready.set()
    server.serve_forever()


class ServerProcess:
    """A WSGI app, built by ``build(url)`` in a child process, served on 127.0.0.1:0."""

    def __init__(self, build: Callable):
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(128)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        ctx = multiprocessing.get_context("fork")
        ready = ctx.Event()
        self._process = ctx.Process(target=_serve, args=(build, self._sock.fileno(), ready), daemon=True)
        self._process.start()
        if not ready.wait(30):
            raise RuntimeError("server did not start")

    def close(self):
        self._process.terminate()
        self._process.join(5)
        self._sock.close()


class GunicornProcess:
    """``gunicorn TARGET`` on a socket we bound to 127.0.0.1:0 (fd://).

    ``config=True`` runs it as the README's production set-up (``gunicorn.conf.py``: gthread
    workers, redacted logs); ``migrate=True`` applies the schema migrations first, as a
    deployment does. Logs go to ``log_dir`` when given.
    """

    def __init__(
        self,
        target: str,
        env: dict[str, str] | None = None,
        workers: int = 2,
        *,
        config: bool = False,
        threads: int | None = None,
        migrate: bool = True,
        log_dir: str | None = None,
        ready_path: str = "/",
    ):
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(128)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        fd = self._sock.fileno()
        root = Path(__file__).resolve().parent.parent
        self.env = {**os.environ, **(env or {}), "PUBLIC_URL": self.url}
        binaries = Path(sys.executable).parent
        if migrate and target.startswith("app:"):
            upgrade = subprocess.run(
                [str(binaries / "flask"), "--app", "app", "spapi", "db", "upgrade"],
                cwd=root,
                env=self.env,
                capture_output=True,
                text=True,
            )
            if upgrade.returncode:
                self._sock.close()
                raise RuntimeError(f"flask spapi db upgrade failed: {upgrade.stderr[-2000:]}")
        argv = [str(binaries / "gunicorn"), "--workers", str(workers), "--bind", f"fd://{fd}"]
        if config:
            argv += ["-c", "gunicorn.conf.py"]
        else:
            argv += ["--log-level", "warning"]
        if threads:
            argv += ["--threads", str(threads)]
        self.log_paths = None
        out = err = None
        if log_dir:
            self.log_paths = (Path(log_dir) / "gunicorn.out", Path(log_dir) / "gunicorn.err")
            out, err = (open(path, "wb") for path in self.log_paths)  # noqa: SIM115 (closed in close())
        self._files = (out, err)
        self._process = subprocess.Popen(
            [*argv, target],
            cwd=root,
            pass_fds=[fd],
            env=self.env,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            connection = http.client.HTTPConnection(urlsplit(self.url).netloc, timeout=2)
            try:
                connection.request("GET", ready_path)
                connection.getresponse().read()
                return
            except OSError:
                time.sleep(0.1)
            finally:
                connection.close()
        self.close()
        raise RuntimeError(f"gunicorn {target} did not start")

    @property
    def pid(self) -> int:
        """The master's process ID."""
        return self._process.pid

    def worker_pids(self) -> list[int]:
        """The workers' process IDs (children of the master)."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def logs(self) -> str:
        """Everything gunicorn and the app wrote so far (with ``log_dir``)."""
        if not self.log_paths:
            return ""
        for handle in self._files:
            handle.flush()
        return "".join(path.read_text(errors="replace") for path in self.log_paths)

    def close(self):
        """Stop the whole process group (master and workers)."""
        if self._process.poll() is None:
            os.killpg(self._process.pid, 15)
            try:
                self._process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self._process.pid, 9)
                self._process.wait(5)
        for handle in self._files:
            if handle:
                handle.close()
        self._sock.close()


def throughput(
    base_url: str,
    paths: Callable[[int], str],
    count: int,
    concurrency: int = 4,
    headers: Callable[[int], dict] | None = None,
    expect: tuple[int, ...] = (200, 302, 303),
    method: str = "GET",
    body: bytes | Callable[[int], bytes] | None = None,
) -> float:
    """Send ``count`` requests (path ``paths(i)``, body ``body`` or ``body(i)``) over keep-alive
    connections; return requests/s."""
    netloc = urlsplit(base_url).netloc
    counter = iter(range(count))
    lock = threading.Lock()
    failures = []

    def worker():
        connection = http.client.HTTPConnection(netloc, timeout=30)
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                break
            data = body(index) if callable(body) else body
            connection.request(method, paths(index), data, headers=headers(index) if headers else {})
            response = connection.getresponse()
            response.read()
            if response.status not in expect:
                failures.append(response.status)
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if failures:
        raise RuntimeError(f"{len(failures)} unexpected statuses, e.g. {failures[:5]}")
    return count / elapsed


@dataclass(frozen=True)
class Ratio:
    """Interleaved rounds of a target and its baseline: the median ratio and its spread."""

    median: float
    low: float
    high: float
    target_rps: float
    baseline_rps: float

    def row(self, name: str) -> str:
        """Format one line of the results table."""
        return (
            f"{name:36} {self.median:6.2f} {self.low:5.2f}-{self.high:<5.2f}"
            f" {self.target_rps:10.0f} {self.baseline_rps:13.0f}"
        )


HEADER = f"{'route':36} {'ratio':>6} {'range':>11} {'route rps':>10} {'baseline rps':>13}"


def ratio_rounds(
    measure_target: Callable[[], float], measure_baseline: Callable[[], float], rounds: int
) -> Ratio:
    """Alternate target and baseline measurements, round by round, and summarise the ratios."""
    ratios, targets, baselines = [], [], []
    for _ in range(rounds):
        baseline = measure_baseline()
        target = measure_target()
        ratios.append(target / baseline)
        targets.append(target)
        baselines.append(baseline)
    return Ratio(
        statistics.median(ratios),
        min(ratios),
        max(ratios),
        statistics.median(targets),
        statistics.median(baselines),
    )
