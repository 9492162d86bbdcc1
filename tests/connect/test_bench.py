"""bench/connect.py's quick mode runs and reports sessions created per second beside the bare
Flask JSON route (the closing note's numbers come from its full run)."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_quick_bench_reports_both_rates_in_under_a_minute():
    run = subprocess.run(
        [sys.executable, "bench/connect.py", "--quick"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-2000:]
    found = re.search(r"sessions created per second: (\d+); bare Flask JSON route: (\d+)", run.stdout)
    assert found and int(found.group(1)) > 0 and int(found.group(2)) > 0, run.stdout
    assert float(re.search(r"took ([\d.]+) s", run.stdout).group(1)) < 60  # shared with the rest of the suite
