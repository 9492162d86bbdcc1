"""bench/check.py --quick runs (as the issue's benchmark, bounded) and counts what it claims."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_quick_benchmark_checks_every_authorization_with_one_lwa_request_each():
    done = subprocess.run(
        [sys.executable, "bench/check.py", "--quick", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["authorizations"] == 100
    for side in ("check_all", "one_by_one"):
        assert report[side]["ok"] == 100
        assert report[side]["lwa_requests"] == {"ok": 100}  # one request each, no retries
        assert report[side]["seconds"] > 0
