"""Requests per second of /api/explain over the whole diagnosis table (tests/test_diagnose.py),
as a ratio to a bare Flask JSON route, both served by gunicorn in one run.

Run: .venv/bin/python bench/explain.py [--requests N] [--rounds R]
Target (issue 3): at least 0.5.
"""

import argparse
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.test_diagnose import CASES  # noqa: E402

from bench.flow import our_settings  # noqa: E402
from bench.harness import HEADER  # noqa: E402
from bench.harness import GunicornProcess  # noqa: E402
from bench.harness import ratio_rounds  # noqa: E402
from bench.harness import throughput  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    paths = [f"/api/explain?{urlencode({'q': text})}" for text, *_ in CASES]
    workdir = tempfile.mkdtemp(prefix="spapi-bench-")
    ours = GunicornProcess("app:create_app()", our_settings("https://api.amazon.com/auth/o2/token", workdir))
    base = GunicornProcess("bench.baseline:app")
    try:
        result = ratio_rounds(
            lambda: throughput(ours.url, lambda i: paths[i % len(paths)], args.requests, expect=(200,)),
            lambda: throughput(base.url, lambda i: "/json", args.requests, expect=(200,)),
            args.rounds,
        )
    finally:
        ours.close()
        base.close()
    print(
        f"{args.rounds} interleaved rounds of {args.requests} requests over {len(paths)} table inputs; "
        "gunicorn, 2 sync workers each; 4 client threads"
    )
    print(HEADER)
    print(result.row("/api/explain (diagnosis table)"))
    print("target >= 0.5:", "met" if result.median >= 0.5 else "MISSED")
    return 0 if result.median >= 0.5 else 1


if __name__ == "__main__":
    sys.exit(main())
