"""Amazon's published SP-API models (Swagger 2.0, ``data/models``), read once: which operations
exist, their paths and parameters, their usage plans (the ``x-amzn-RateLimit-Limit`` the
simulator sends), their sandbox's static answers, and the JSON schema of every response.

The simulator answers from these files instead of from hand-written examples, so a client
generated from the same models (amzn-sp-api, python-amazon-sp-api) reads what it expects.
"""

import copy
import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

MODELS_DIR = Path(__file__).parent / "data" / "models"
HTTP_METHODS = ("get", "put", "post", "delete", "patch")
# "| Rate (requests per second) | Burst |" followed by its separator and one row of numbers.
USAGE_PLAN_RE = re.compile(
    r"\|\s*Rate \(requests per second\)\s*\|\s*Burst\s*\|\s*\n\|[-| ]+\|\s*\n\|\s*([\d.]+)\s*\|\s*(\d+)\s*\|"
)
PARAMETER_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
# UNCONFIRMED: Amazon's sandbox wording when no static case matches the request; the
# community reports this answer, Amazon's documentation gives none.
NO_SANDBOX_MATCH = {"errors": [{"code": "InvalidInput", "message": "Could not match input arguments"}]}


@dataclass(frozen=True)
class Operation:
    """One SP-API operation as its model describes it."""

    model: str
    operation_id: str
    method: str
    template: str
    pattern: re.Pattern
    parameters: tuple[dict, ...]
    responses: dict
    definitions: dict
    rate: str | None
    burst: int | None

    def schema(self, status: int) -> dict | None:
        """The JSON schema of the response body for ``status``, definitions included."""
        response = self.responses.get(str(status))
        if response is None or "schema" not in response:
            return None
        return {**copy.deepcopy(response["schema"]), "definitions": self.definitions}

    def sandbox_cases(self) -> list[tuple[int, dict, object]]:
        """Every static sandbox case: (status, request parameters, response body)."""
        cases = []
        for status, response in sorted(self.responses.items()):
            for case in response.get("x-amzn-api-sandbox", {}).get("static", []):
                parameters = case.get("request", {}).get("parameters", {})
                cases.append((int(status), parameters, case.get("response")))
        return cases

    def parameter(self, name: str) -> dict | None:
        """The declared parameter called ``name``."""
        return next((p for p in self.parameters if p.get("name") == name), None)


@functools.cache
def operations() -> tuple[Operation, ...]:
    """Every operation of every model in ``data/models``."""
    found = []
    for path in sorted(MODELS_DIR.glob("*.json")):
        model = json.loads(path.read_text(encoding="utf-8"))
        definitions = model.get("definitions", {})
        for template, item in model.get("paths", {}).items():
            shared = item.get("parameters", [])
            for method in HTTP_METHODS:
                operation = item.get(method)
                if operation is None:
                    continue
                rate, burst = _usage_plan(operation.get("description", ""))
                found.append(
                    Operation(
                        model=path.stem,
                        operation_id=operation["operationId"],
                        method=method.upper(),
                        template=template,
                        pattern=_path_pattern(template),
                        parameters=tuple(shared + operation.get("parameters", [])),
                        responses=operation.get("responses", {}),
                        definitions=definitions,
                        rate=rate,
                        burst=burst,
                    )
                )
    return tuple(found)


def find(method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
    """The operation answering ``method path``, with its path parameters; None if none does."""
    for operation in operations():
        match = operation.pattern.fullmatch(path)
        if match and operation.method == method.upper():
            return operation, match.groupdict()
    return None


def path_exists(path: str) -> bool:
    """True when some operation has this path, whatever its method."""
    return any(operation.pattern.fullmatch(path) for operation in operations())


def by_id(operation_id: str) -> Operation:
    """The operation called ``operation_id``."""
    return next(o for o in operations() if o.operation_id == operation_id)


def sandbox_answer(
    operation: Operation, path_parameters: Mapping[str, str], query: Mapping[str, list[str]], body
) -> tuple[int, object]:
    """The sandbox's static answer whose request matches this one best, as Amazon's sandbox
    matches: every parameter a case names must be equal; the case naming most wins."""
    best: tuple[int, int, object] | None = None
    for status, expected, response in operation.sandbox_cases():
        if all(
            _matches(operation, name, want, path_parameters, query, body) for name, want in expected.items()
        ):
            # A parameter named without a value ("body": {}) accepts anything and ranks nothing.
            rank = sum(1 for want in expected.values() if isinstance(want, dict) and "value" in want)
            if best is None or rank > best[0]:
                best = (rank, status, response)
    if best is None:
        return 400, NO_SANDBOX_MATCH
    return best[1], best[2]


def example_answer(operation: Operation) -> tuple[int, object]:
    """A success answer for a live call: the model's first static 2xx sandbox answer."""
    for status, _expected, response in operation.sandbox_cases():
        if 200 <= status < 300:
            return status, response
    success = sorted(int(s) for s in operation.responses if s.isdigit() and 200 <= int(s) < 300)
    return (success[0], None) if success else (200, {})


def _matches(operation: Operation, name: str, want: dict, path_parameters, query, body) -> bool:
    if not isinstance(want, dict) or "value" not in want:
        return True
    value = want["value"]
    declared = operation.parameter(name) or {}
    if declared.get("in") == "body" or name == "body":
        return body == value
    if name in path_parameters:
        return path_parameters[name] == value
    given = query.get(name)
    if not given:
        return False
    if isinstance(value, list) or declared.get("type") == "array":
        items = [part for item in given for part in item.split(",") if part]
        return items == (value if isinstance(value, list) else [value])
    return given[-1] == str(value)


def _usage_plan(description: str) -> tuple[str | None, int | None]:
    match = USAGE_PLAN_RE.search(description)
    return (match.group(1), int(match.group(2))) if match else (None, None)


def _path_pattern(template: str) -> re.Pattern:
    parts = PARAMETER_RE.split(template)
    regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>[^/]+)" for i, part in enumerate(parts))
    return re.compile(regex)


API_NAMES = {
    "sellers": "Sellers",
    "ordersV0": "Orders v0",
    "tokens_2021-03-01": "Tokens",
    "listingsItems_2021-08-01": "Listings Items",
    "application_2023-11-30": "Application Management",
}


def operation_presets() -> list[dict]:
    """Every modelled operation as the console's picker fills it in: a path with sample values
    and the query and body of the model's first success example."""
    presets = []
    for operation in operations():
        sample: dict = {}
        for status, parameters, _response in operation.sandbox_cases():
            if 200 <= status < 300:
                sample = parameters
                break
        values = {k: v.get("value") for k, v in sample.items() if isinstance(v, dict) and "value" in v}
        path = operation.template
        query = []
        for parameter in operation.parameters:
            name, where = parameter.get("name"), parameter.get("in")
            value = values.get(name)
            if where == "path":
                if value is not None:  # else the {placeholder} stays for the developer to fill
                    path = path.replace("{" + name + "}", str(value))
            elif where == "query" and (value is not None or parameter.get("required")):
                shown = ",".join(value) if isinstance(value, list) else (value if value is not None else "")
                query.append(f"{name}={shown}")
        body = values.get("body")
        presets.append(
            {
                "id": operation.operation_id,
                "api": API_NAMES.get(operation.model, operation.model),
                "method": operation.method,
                "path": path,
                "query": "\n".join(query),
                "body": json.dumps(body, indent=2) if body is not None else "",
            }
        )
    return presets
