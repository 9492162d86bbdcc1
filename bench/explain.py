"""Requests per second of /api/explain over the whole corpus of real reports
(``tests/data/real_reports.toml``), as a ratio to a bare Flask JSON route, both served by
gunicorn in one run.

Run: .venv/bin/python bench/explain.py [--requests N] [--rounds R] [--quick]
Target (issue 21): at least 0.6. ``--quick`` (a few seconds) checks that every step runs and
every report gets a 200; it exits non-zero when a step fails, whatever the ratio.
"""

import argparse
import sys
import tempfile
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.flow import our_settings  # noqa: E402
from bench.harness import HEADER  # noqa: E402
from bench.harness import GunicornProcess  # noqa: E402
from bench.harness import ratio_rounds  # noqa: E402
from bench.harness import throughput  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "real_reports.toml"
TARGET = 0.6


def corpus_inputs(path: Path = CORPUS) -> list[bytes]:
    """Every report's pasted text, as the body a user's POST would carry."""
    reports = tomllib.loads(path.read_text(encoding="utf-8"))["report"]
    return [report["input"].encode() for report in reports]


def post_throughput(base_url: str, bodies: list[bytes], count: int, concurrency: int = 4) -> float:
    """POST ``count`` reports (in corpus order, round robin) to /api/explain; return requests/s.

    Reports go in POST bodies, not ``?q=``: a pasted stack trace is longer than a request line.
    """
    return throughput(
        base_url,
        lambda _: "/api/explain",
        count,
        concurrency,
        headers=lambda _: {"Content-Type": "text/plain; charset=utf-8"},
        expect=(200,),
        method="POST",
        body=lambda index: bodies[index % len(bodies)],
    )


def main(argv=None) -> int:
    """Measure, print the table, and return the exit status (0 when every step ran and, outside
    quick mode, the target was met)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--quick", action="store_true", help="one short round: a smoke test, < 20 s")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="a TOML file of [[report]] input = ...")
    args = parser.parse_args(argv)
    bodies = corpus_inputs(args.corpus)
    # Quick mode still sends every report once, so a report that breaks the route fails it.
    requests = args.requests or (len(bodies) if args.quick else 1200)
    rounds = args.rounds or (1 if args.quick else 7)
    workdir = tempfile.mkdtemp(prefix="spapi-bench-")
    ours = base = None
    try:
        settings = our_settings("https://api.amazon.com/auth/o2/token", workdir)
        ours = GunicornProcess("app:create_app()", settings)
        base = GunicornProcess("bench.baseline:app")
        result = ratio_rounds(
            lambda: post_throughput(ours.url, bodies, requests),
            lambda: throughput(base.url, lambda i: "/json", requests, expect=(200,)),
            rounds,
        )
        # The same route with one short code: what the app costs around the diagnosis, so the
        # corpus row can be read as the diagnosis's share.
        reference = None
        if not args.quick:
            reference = ratio_rounds(
                lambda: post_throughput(ours.url, [b"MD1000"], requests),
                lambda: throughput(base.url, lambda i: "/json", requests, expect=(200,)),
                rounds,
            )
    except (RuntimeError, OSError) as error:
        print(f"bench/explain.py: a step could not run: {error}", file=sys.stderr)
        return 2
    finally:
        for server in (ours, base):
            if server:
                server.close()
    print(
        f"{rounds} interleaved rounds of {requests} requests over {len(bodies)} corpus reports; "
        "gunicorn, 2 workers each (the settings of gunicorn.conf.py); 4 client threads"
    )
    print(HEADER)
    print(result.row("/api/explain (real reports corpus)"))
    if reference:
        print(reference.row("/api/explain (MD1000, reference)"))
    met = result.median >= TARGET
    verdict = "met" if met else "MISSED"
    print(f"target >= {TARGET}:", verdict, "(quick mode: not judged)" if args.quick else "")
    return 0 if met or args.quick else 1


if __name__ == "__main__":
    sys.exit(main())
