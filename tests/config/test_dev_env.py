"""A newcomer's first steps: after `make run`, the README's CLI lines work from a new shell."""

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from app import create_app
from auth.config.dev_env import write_dev_env
from tests.test_factory import environ  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).with_name("flask"))


def _checkout(tmp_path: Path) -> Path:
    """A copy of the project as a clone has it (no .env, no instance/)."""
    copy = tmp_path / "checkout"
    copy.mkdir()
    for name in ("app.py", "auth", "web", "templates", "static"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, copy / name)
    return copy


def _new_shell(copy: Path, *args: str) -> subprocess.CompletedProcess:
    """Run `.venv/bin/flask --app app …` as a new shell would: nothing exported."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(copy), "LANG": "C.UTF-8"}
    return subprocess.run(
        [FLASK, "--app", "app", *args], cwd=copy, env=env, capture_output=True, text=True, timeout=120
    )


def test_cli_lines_work_from_a_new_shell_after_the_first_make_run(tmp_path):
    copy = _checkout(tmp_path)
    before = _new_shell(copy, "spapi", "--help")
    assert before.returncode != 0  # a bare clone: no settings yet, as before `make run`

    assert write_dev_env(copy) is True
    helped = _new_shell(copy, "spapi", "--help")
    assert helped.returncode == 0, helped.stderr
    assert "authorizations" in helped.stdout and "doctor" in helped.stdout

    listed = _new_shell(copy, "spapi", "authorizations", "--json")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.strip() == "[]"


def test_every_cli_line_of_the_readme_works_as_written(tmp_path):
    copy = _checkout(tmp_path)
    write_dev_env(copy)
    lines = [
        line.strip()
        for line in (ROOT / "README.md").read_text().splitlines()
        if line.strip().startswith(".venv/bin/flask ")
    ]
    assert len(lines) >= 4
    (copy / ".venv").symlink_to(Path(sys.executable).parent.parent)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(copy), "LANG": "C.UTF-8"}
    for line in lines:
        done = subprocess.run(
            shlex.split(line), cwd=copy, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, (line, done.stdout[-1500:], done.stderr[-1500:])


def test_make_run_never_overwrites_a_developers_own_env(tmp_path):
    (tmp_path / ".env").write_text("PUBLIC_URL=https://spapi.example.com\n")
    assert write_dev_env(tmp_path) is False
    assert (tmp_path / ".env").read_text() == "PUBLIC_URL=https://spapi.example.com\n"


def test_a_fresh_development_instance_serves_without_db_upgrade(environ):  # noqa: F811
    environ(SPAPI_ENV="development", SPAPI_SIMULATOR="1")
    client = create_app().test_client()
    assert client.get("/explain").status_code == 200
    assert client.get("/").status_code == 200
