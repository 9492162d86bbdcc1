"""Connect sessions created per second through ``POST /api/v1/connect-sessions``, as a ratio to
a bare Flask JSON route (``POST /json``), both under gunicorn on loopback in one run.

Run: .venv/bin/python bench/connect.py [--requests N] [--rounds R] [--quick]
``--quick`` (a test runs it) takes well under 30 seconds.
"""

import argparse
import json
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.fernet import Fernet  # noqa: E402

from bench.harness import HEADER  # noqa: E402
from bench.harness import GunicornProcess  # noqa: E402
from bench.harness import ratio_rounds  # noqa: E402
from bench.harness import throughput  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BODY = json.dumps(
    {
        "customer_ref": "bench-customer",
        "tags": {"plan": "pro"},
        "return_url": "https://product.example/app/done",
    }
).encode()


def settings(workdir: str) -> dict[str, str]:
    """Production-mode settings (no TESTING) with the return URL allowed."""
    return {
        "SPAPI_APPLICATION_ID": "amzn1.sp.solution.0bf296b5-36a6-4942-a13e-0123456789ab",
        "SPAPI_APP_STATUS": "draft",
        "LWA_CLIENT_ID": "amzn1.application-oa2-client.0123456789abcdef0123456789abcdef",
        "LWA_CLIENT_SECRET": "bench-secret",
        "LWA_TOKEN_URL": "http://127.0.0.1:9/auth/o2/token",
        "DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite",
        "SECRET_KEY": secrets.token_hex(32),
        "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "SPAPI_INSTANCE_PATH": workdir,
        "SPAPI_RETURN_URLS": "https://product.example/app",
    }


def connect_key(env: dict[str, str]) -> str:
    """An API key with the ``connect`` operation, made with the CLI as a developer would."""
    made = subprocess.run(
        [str(Path(sys.executable).parent / "flask"), "--app", "app", "spapi", "api-keys", "create"]
        + ["--label", "bench", "--operation", "connect", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    created = json.loads(made.stdout)
    return f"{created['id']}.{created['secret']}"


def main(argv: list[str] | None = None) -> int:
    """Measure, print the table and the two rates; exit 0."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="60 requests, 2 rounds")
    args = parser.parse_args(argv)
    n, rounds = (60, 2) if args.quick else (args.requests, args.rounds)
    started = time.monotonic()
    workdir = tempfile.mkdtemp(prefix="spapi-bench-connect-")
    # Logs go to files in the scratch folder: a line per request would drown the result.
    ours = GunicornProcess("app:create_app()", settings(workdir), log_dir=workdir)
    base_logs = tempfile.mkdtemp(prefix="spapi-bench-baseline-")
    base = GunicornProcess("bench.baseline:app", log_dir=base_logs)
    try:
        bearer = connect_key(ours.env)
        headers = {"Authorization": f"Bearer {bearer}", "Content-Type": "application/json"}
        result = ratio_rounds(
            lambda: throughput(
                ours.url,
                lambda i: "/api/v1/connect-sessions",
                n,
                headers=lambda i: headers,
                expect=(201,),
                method="POST",
                body=BODY,
            ),
            lambda: throughput(
                base.url,
                lambda i: "/json",
                n,
                headers=lambda i: {"Content-Type": "application/json"},
                method="POST",
                body=BODY,
            ),
            rounds,
        )
    finally:
        ours.close()
        base.close()
    print(
        f"{rounds} interleaved rounds of {n} requests; "
        "gunicorn (gunicorn.conf.py), 2 workers each; 4 client threads"
    )
    print(HEADER)
    print(result.row("POST /api/v1/connect-sessions"))
    print(
        f"sessions created per second: {result.target_rps:.0f}; "
        f"bare Flask JSON route: {result.baseline_rps:.0f}"
    )
    print(f"took {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
