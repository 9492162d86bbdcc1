"""A real PostgreSQL server for the test session, started from Debian's binaries.

It listens on a Unix socket only (no TCP port at all), in a temporary directory; ``initdb``
refuses to run as root, so as root the server runs as the ``postgres`` user.
"""

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
import time

import psycopg

_counter = itertools.count()


def _bin_dir() -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: `make test` installs Debian's postgresql")
    return os.path.dirname(found[-1])


class PostgresServer:
    """One throw-away cluster; ``new_database()`` hands out empty databases on it."""

    def __init__(self):
        self.directory = tempfile.mkdtemp(prefix="spapi-pg-")
        self.data = os.path.join(self.directory, "data")
        self._as_user = os.geteuid() == 0
        if self._as_user:
            user = pwd.getpwnam("postgres")
            os.chown(self.directory, user.pw_uid, user.pw_gid)
        binaries = _bin_dir()
        self._run([f"{binaries}/initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8"])
        options = f"-c listen_addresses='' -k {self.directory} -c fsync=off -c max_connections=200"
        log = os.path.join(self.directory, "server.log")
        # -l: the server writes to its log file, not to our pipes (which would never close).
        self._run(
            [f"{binaries}/pg_ctl", "-D", self.data, "-l", log, "-o", options, "-w", "-t", "60", "start"]
        )
        self.admin = psycopg.connect(self.url("postgres", driver=False), autocommit=True)

    def _run(self, argv: list[str]) -> None:
        if self._as_user:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        subprocess.run(argv, check=True, stdin=subprocess.DEVNULL, capture_output=True, timeout=120)

    def url(self, database: str, driver: bool = True) -> str:
        """A URL for ``database`` over the Unix socket (SQLAlchemy form unless ``driver=False``)."""
        scheme = "postgresql+psycopg" if driver else "postgresql"
        return f"{scheme}://postgres@/{database}?host={self.directory}"

    def new_database(self, template: str | None = None) -> str:
        """Create a database (empty, or a copy of ``template``) and return its SQLAlchemy URL."""
        name = f"t{os.getpid()}_{next(_counter)}_{int(time.time() * 1000) % 100000}"
        copy = f' TEMPLATE "{template}"' if template else ""
        self.admin.execute(f'CREATE DATABASE "{name}"{copy}')
        return self.url(name)

    def migrated_template(self) -> str:
        """Create a database at the newest migration to copy from; return its name."""
        from sqlalchemy import create_engine

        from auth.vault import schema

        name = f"template_{os.getpid()}"
        self.admin.execute(f'CREATE DATABASE "{name}"')
        engine = create_engine(self.url(name))
        schema.upgrade(engine)
        engine.dispose()  # a template must have no connections when it is copied
        return name

    def stop(self) -> None:
        """Stop the server and remove its files."""
        self.admin.close()
        self._run([f"{_bin_dir()}/pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop"])
        shutil.rmtree(self.directory, ignore_errors=True)
