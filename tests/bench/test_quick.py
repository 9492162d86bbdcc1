"""Every benchmark's quick mode runs in the suite, so a broken bench fails CI rather than rotting
unseen (each prints its table and exits non-zero when a step could not run)."""

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Started together (they wait on loopback servers more than they compute); judged one by one.
QUICK = ("flow", "tokens", "hang", "clients", "fleet", "soak")
# Mostly waiting on loopback: these start right after collection, beside the rest of the suite.
# fleet and soak run gunicorn fleets and PostgreSQL: they start with this module, at the end.
EARLY = ("flow", "tokens", "hang", "clients")


def start_quick_benches(names=EARLY) -> dict:
    """Start quick benches in the background; the root conftest calls this right after
    collection for the light ones, so they run while the rest of the suite does."""
    started = {}
    for name in names:
        # A file, not a pipe: a bench that logs a lot must never block on a full pipe.
        log = tempfile.TemporaryFile(mode="w+")
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / f"{name}.py"), "--quick"],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        started[name] = (process, log)
    return started


@pytest.fixture(scope="module")
def runs(pytestconfig):
    started = dict(getattr(pytestconfig, "quick_benches", None) or {})
    started.update(start_quick_benches([name for name in QUICK if name not in started]))
    finished = {}
    for name, (process, log) in started.items():
        try:
            process.wait(timeout=300)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.seek(0)
        finished[name] = (process.returncode, log.read())
        log.close()
    return finished


def test_make_bench_runs_every_benchmark():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nbench:", 1)[1].split("\n\n", 1)[0]
    benches = sorted(
        p.stem for p in (ROOT / "bench").glob("*.py") if p.stem not in {"__init__", "harness", "baseline"}
    )
    assert benches and all(f"bench/{name}.py" in recipe for name in benches), recipe


@pytest.mark.parametrize("name", QUICK)
def test_the_quick_mode_runs_every_step(runs, name):
    code, output = runs[name]
    assert code == 0, output[-3000:]
    assert "FAILED" not in output and "MISSED" not in output
