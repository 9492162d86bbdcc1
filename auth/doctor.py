"""``python -m auth.doctor``: the configuration doctor for a set-up the app refuses to start with."""

import sys

from auth.explainer.setup_checks import check
from auth.explainer.setup_checks import has_errors


def main() -> int:
    """Print the findings for this process's environment and .env; exit 1 on an error."""
    from pathlib import Path

    from auth.config.settings import read_environment

    findings = check(read_environment(Path.cwd()))
    for finding in findings:
        print(f"[{finding.severity}] {finding.message}")
    print("No errors." if not has_errors(findings) else "Errors found.")
    return 1 if has_errors(findings) else 0


if __name__ == "__main__":
    sys.exit(main())
