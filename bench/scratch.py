"""Third-party clients for benchmarks and tests, installed into a scratch folder only."""

import fcntl
import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def pip_install(target: Path, requirements) -> None:
    """pip-install ``requirements`` (and their dependencies) into ``target`` only: third-party
    clients for benchmarks and tests never enter the project's environment."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--target",
            str(target),
        ]
        + list(requirements),
        check=True,
        stderr=subprocess.DEVNULL,
    )


def installed(requirements) -> Path:
    """A scratch folder holding ``requirements``, installed once per machine and set of pins:
    the tests and benches that run the same clients (several processes at once) share it."""
    pins = sorted(requirements)
    key = hashlib.sha256("\n".join([sys.version, *pins]).encode()).hexdigest()[:16]
    root = Path(tempfile.gettempdir()) / "spapi-auth-clients"
    root.mkdir(exist_ok=True)
    target = root / key
    with open(root / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the first process installs; the others wait, then reuse
        if not (target / ".complete").exists():
            # Installed beside it and renamed when whole: an interrupted install is never reused.
            partial = Path(tempfile.mkdtemp(dir=root))
            pip_install(partial, pins)
            (partial / ".complete").touch()
            shutil.rmtree(target, ignore_errors=True)
            partial.rename(target)
    return target
