"""The lock files pin the whole tree with hashes and agree with the direct pins."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN_RE = re.compile(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==([^\s;\\]+)", re.M)


def pins(path: Path) -> dict[str, str]:
    return {name.lower().replace("_", "-"): version for name, version in PIN_RE.findall(path.read_text())}


def test_every_direct_pin_is_in_its_lock_at_the_same_version():
    for direct, lock in (
        ("requirements.txt", "requirements.lock"),
        ("requirements-dev.txt", "requirements-dev.lock"),
    ):
        wanted, locked = pins(ROOT / direct), pins(ROOT / lock)
        assert {n: v for n, v in wanted.items() if locked.get(n) != v} == {}, (direct, lock)


def test_every_locked_package_carries_a_hash():
    for lock in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / lock).read_text()
        entries = re.split(r"\n(?=[A-Za-z0-9])", text)
        unhashed = [e.split("==")[0] for e in entries if "==" in e and "--hash=sha256:" not in e]
        assert unhashed == [], lock


def test_test_only_packages_stay_out_of_the_runtime_lock():
    runtime = pins(ROOT / "requirements.lock")
    for name in ("pytest", "playwright", "moto", "hypothesis", "openapi-spec-validator", "ruff", "mutmut"):
        assert name not in runtime, name
