"""The development `.env` that `make run` writes once, so CLI lines work from a new shell.

Without it `flask --app app spapi …` in a new shell has no `SPAPI_ENV`, refuses to start for
want of production settings, and Flask reports that as "No such command 'spapi'".
"""

import sys
from pathlib import Path

DEV_ENV = (
    "# Written once by `make run` for development on this machine; git ignores it.\n"
    "# Delete it (or set SPAPI_ENV to anything else) before using this checkout for production.\n"
    "SPAPI_ENV=development\n"
    "SPAPI_SIMULATOR=1\n"
)


def write_dev_env(root: Path) -> bool:
    """Write ``root/.env`` with the development settings unless a `.env` exists; True if written."""
    path = root / ".env"
    if path.exists():
        # A .env of the developer's own (production settings, say) is never touched.
        return False
    path.write_text(DEV_ENV, encoding="utf-8")
    return True


if __name__ == "__main__":
    project = Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()
    if write_dev_env(project):
        print(f"Wrote {project / '.env'}: SPAPI_ENV=development, SPAPI_SIMULATOR=1 (git ignores it)")
