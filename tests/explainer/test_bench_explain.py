"""bench/explain.py --quick: every corpus report gets a 200 from /api/explain under gunicorn,
the table is printed, and it finishes in seconds."""

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def test_quick_mode_runs_every_step_and_prints_the_ratio():
    start = time.monotonic()
    run = subprocess.run(
        [sys.executable, "bench/explain.py", "--quick"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    elapsed = time.monotonic() - start
    assert run.returncode == 0, run.stderr[-2000:]
    assert "/api/explain (real reports corpus)" in run.stdout
    assert "corpus reports" in run.stdout
    assert elapsed < 60, f"quick mode took {elapsed:.1f} s"  # beside the rest of the suite


def test_quick_mode_fails_when_a_step_cannot_run(tmp_path):
    # A report the route refuses (blank input is a 400) must fail the run, not be timed.
    corpus = tmp_path / "corpus.toml"
    corpus.write_text('[[report]]\ninput = "MD1000"\n\n[[report]]\ninput = "   "\n', encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "bench/explain.py", "--quick", "--corpus", str(corpus)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2, run.stdout
    assert "unexpected statuses" in run.stderr
