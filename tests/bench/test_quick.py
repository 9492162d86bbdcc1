"""Every benchmark's quick mode runs in the suite, so a broken bench fails CI rather than rotting
unseen (each prints its table and exits non-zero when a step could not run)."""

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Every bench with a quick mode run here (the others have tests of their own in their areas).
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


def finish(started: dict) -> dict:
    """Wait for each started bench (5 minutes at most) and return its exit code and output."""
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
        p.stem for p in (ROOT / "bench").glob("*.py") if 'if __name__ == "__main__":' in p.read_text()
    )
    assert benches and all(f"bench/{name}.py" in recipe for name in benches), recipe


def test_every_quick_mode_runs_every_step(pytestconfig):
    # One test, not one per bench: under pytest-xdist a test is never split across workers, so
    # each bench starts once (the root conftest schedules this test first there, and the light
    # ones run before the heavy ones, as they do beside a run in one process).
    started = getattr(pytestconfig, "quick_benches", None) or start_quick_benches(EARLY)
    finished = finish(started)
    finished |= finish(start_quick_benches([name for name in QUICK if name not in finished]))
    broken = {
        name: output[-3000:]
        for name, (code, output) in finished.items()
        if code != 0 or "FAILED" in output or "MISSED" in output
    }
    assert broken == {}, "\n\n".join(f"bench/{name}.py --quick:\n{tail}" for name, tail in broken.items())
