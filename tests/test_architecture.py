"""The layout's rules: the core is framework-free, packages import only what they declare, no
module imports itself back through a circle."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORK = ("flask", "flask_wtf", "werkzeug", "web")
MAY_IMPORT_RE = re.compile(r"^May import: (.+?)\.?$", re.M)


def module_name(path: Path) -> str:
    """``auth/oauth/state.py`` -> ``auth.oauth.state``; a package's ``__init__`` is the package."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    """Every module of ``auth`` and ``web``, and ``app``."""
    paths = [ROOT / "app.py", *(ROOT / "auth").rglob("*.py"), *(ROOT / "web").rglob("*.py")]
    return {module_name(p): p for p in paths}


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """Every module ``path`` imports, at any depth (lazy imports in functions count too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # "from web import console" imports the module web.console.
            found.update(
                f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in modules
            )
    return found


MODULES = project_modules()
GRAPH = {name: imports_of(path, MODULES) for name, path in MODULES.items()}


def capability(module: str) -> str:
    """``auth.oauth.state`` -> ``auth.oauth``; a top-level module is its own capability."""
    return ".".join(module.split(".")[:2])


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("auth")))
def test_core_never_imports_the_framework(module):
    # werkzeug.security is a password-hashing library that needs no app or request.
    bad = {i for i in GRAPH[module] if i.split(".")[0] in FRAMEWORK and i != "werkzeug.security"}
    assert not bad, f"{module} imports {sorted(bad)}: auth/ is the framework-free core"


def declared_rules() -> dict[str, set[str]]:
    """The "May import:" line of each ``auth`` package's docstring."""
    rules = {}
    for package in sorted((ROOT / "auth").glob("*/__init__.py")):
        name = module_name(package)
        docstring = ast.get_docstring(ast.parse(package.read_text())) or ""
        match = MAY_IMPORT_RE.search(docstring)
        assert match, f"{name}/__init__.py must say what it may import ('May import: ...')"
        allowed = match.group(1)
        rules[name] = set() if allowed.startswith("nothing") else {a.strip() for a in allowed.split(",")}
    return rules


def test_every_core_package_declares_its_rule():
    rules = declared_rules()
    assert set(rules) == {
        "auth.config",
        "auth.security",
        "auth.vault",
        "auth.clients",
        "auth.oauth",
        "auth.explainer",
        "auth.simulator",
        "auth.tokens",
        "auth.lifecycle",
        "auth.playground",
        "auth.associates",
        "auth.connect",
        "auth.operations",
    }
    for package, allowed in rules.items():
        assert allowed <= set(rules), f"{package} declares an unknown package: {allowed - set(rules)}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("auth.")))
def test_core_packages_import_only_what_they_declare(module):
    # auth/doctor.py is the command-line entry of the doctor, for set-ups the app refuses.
    rules = declared_rules() | {
        "auth.doctor": {"auth.config", "auth.explainer"},
        "auth.errors": set(),
        # auth/tables.py gathers every capability's tables into one metadata, for migrations.
        "auth.tables": set(declared_rules()),
    }
    if module == "auth.vault.migrations.env":
        pytest.skip("Alembic's environment compares against every table (auth.tables), by design")
    own = capability(module)
    # auth/errors.py is the one error model: every core package may raise its errors.
    used = {capability(i) for i in GRAPH[module] if i.startswith("auth.")} - {own, "auth.errors"}
    assert used <= rules[own], f"{module} imports {sorted(used - rules[own])}, not declared by {own}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("web.")))
def test_web_capabilities_share_only_web_shared(module):
    own = capability(module)
    others = {capability(i) for i in GRAPH[module] if i.startswith("web.")} - {own, "web.shared"}
    if own == "web.shared":
        others = {capability(i) for i in GRAPH[module] if i.startswith("web.")} - {own}
    assert not others, f"{module} imports {sorted(others)}: capabilities talk through web.shared and auth"


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """Return one import circle among project modules, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in graph or target == node:
                continue
            if state.get(target) == 1:
                return stack[stack.index(target) :] + [target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def without_parent_packages(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    # Importing ``auth.oauth.state`` runs ``auth/oauth/__init__`` first; that is not a circle
    # unless the package's own module imports back, which the graph still shows.
    return {name: {i for i in targets if not name.startswith(i + ".")} for name, targets in graph.items()}


def test_no_import_circles():
    cycle = find_cycle(without_parent_packages(GRAPH))
    assert cycle is None, "import circle: " + " -> ".join(cycle)


def test_cycle_finder_finds_a_planted_circle():
    planted = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(planted) == ["a", "b", "c", "a"]


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("web.")))
def test_no_view_writes_audit_or_outbox_rows_itself(module):
    source = MODULES[module].read_text()
    assert "audit.record(" not in source and "record_event(" not in source, (
        f"{module} writes the audit trail or the outbox: the core function it calls does that"
    )


MAX_MODULE_LINES = 260


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_outgrows_one_concept(module):
    lines = MODULES[module].read_text().count("\n")
    assert lines <= MAX_MODULE_LINES, f"{module} has {lines} lines: split it by concept"


def test_every_core_commit_says_why_it_is_there():
    # The rule (docs/architecture.md): the caller commits; a core function commits only where
    # other workers or the next request must see the change at once, and says why.
    unexplained = []
    for name, path in MODULES.items():
        if not name.startswith("auth"):
            continue
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines, 1):
            if ".commit()" in line and "commit point" not in line and "commit point" not in lines[number - 2]:
                unexplained.append(f"{path.relative_to(ROOT)}:{number}")
    assert unexplained == [], f"commits without a '# commit point: why' comment: {unexplained}"
