"""Every benchmark's quick mode runs in the suite, so a broken bench fails CI rather than rotting
unseen (each prints its table and exits non-zero when a step could not run)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Started together (they wait on loopback servers more than they compute); judged one by one.
QUICK = ("flow", "tokens", "hang", "clients", "fleet", "soak")


def start_quick_benches() -> dict:
    """Start every quick bench in the background; the root conftest calls this right after
    collection, so they run while the rest of the suite does (they mostly wait on loopback)."""
    return {
        name: subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / f"{name}.py"), "--quick"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name in QUICK
    }


@pytest.fixture(scope="module")
def runs(pytestconfig):
    started = getattr(pytestconfig, "quick_benches", None) or start_quick_benches()
    finished = {}
    for name, process in started.items():
        try:
            output, _ = process.communicate(timeout=240)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        finished[name] = (process.returncode, output)
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
