"""Docs that stay true: the README is a front door, its links resolve, and the architecture map
names every package and module there is."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINK_RE = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def test_the_readme_is_a_front_door():
    assert len((ROOT / "README.md").read_text().splitlines()) <= 250


def test_every_relative_link_of_the_readme_and_docs_resolves():
    broken = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in LINK_RE.findall(page.read_text()):
            if "://" in target or target.startswith("mailto:"):
                continue
            if not (page.parent / target).exists():
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
    assert broken == []


def map_rows() -> dict[str, str]:
    """The architecture map's rows: ``auth/oauth`` -> the row's text."""
    rows = {}
    for line in (ROOT / "docs" / "architecture.md").read_text().splitlines():
        match = re.match(r"\| `([a-z_/.]+)` \|", line)
        if match:
            rows[match.group(1).rstrip("/")] = line
    return rows


def test_the_architecture_map_names_every_package_and_module():
    rows = map_rows()
    missing = []
    for side in ("auth", "web"):
        for package in sorted(p for p in (ROOT / side).iterdir() if (p / "__init__.py").exists()):
            key = f"{side}/{package.name}"
            if key not in rows:
                missing.append(key)
                continue
            for module in sorted(package.rglob("*.py")):
                name = module.relative_to(package).with_suffix("").as_posix()
                if name != "__init__" and not name.startswith("migrations/") and f"`{name}`" not in rows[key]:
                    missing.append(f"{key}/{name}")
        for module in sorted((ROOT / side).glob("*.py")):
            if module.name != "__init__.py" and f"{side}/{module.name}" not in rows:
                missing.append(f"{side}/{module.name}")
    assert missing == [], "docs/architecture.md does not name: " + ", ".join(missing)


def test_the_map_names_nothing_that_does_not_exist():
    ghosts = [key for key in map_rows() if key != "app.py" and not (ROOT / key).exists()]
    assert ghosts == []


def test_every_setting_the_app_reads_is_documented():
    sources = "".join(p.read_text() for p in (ROOT / "auth" / "config").glob("*.py"))
    names = set(re.findall(r'values\.get\("([A-Z][A-Z0-9_]{3,})"\)', sources))
    documented = (ROOT / "docs" / "settings.md").read_text()
    assert names and sorted(n for n in names if f"`{n}`" not in documented) == []
