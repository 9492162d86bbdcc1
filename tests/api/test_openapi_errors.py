"""openapi.json documents every error answer of every operation, in its API's shape."""

import json
from pathlib import Path

from openapi_spec_validator import validate

SPEC = json.loads((Path(__file__).resolve().parents[2] / "web" / "api" / "openapi.json").read_text())
ERRORS = ("400", "401", "404", "405", "413", "429", "500", "503")


def shape(answer: dict) -> str:
    """The schema an answer refers to, through a shared response or inline."""
    ref = answer.get("$ref") or answer.get("content", {}).get("application/json", {}).get("schema", {}).get(
        "$ref", ""
    )
    if ref.startswith("#/components/responses/"):
        target = SPEC["components"]["responses"][ref.rsplit("/", 1)[-1]]
        ref = target["content"]["application/json"]["schema"].get("$ref", "")
    return ref.rsplit("/", 1)[-1]


def test_the_document_is_valid_openapi():
    validate(SPEC)


def test_every_operation_documents_every_error_in_its_apis_shape():
    missing = []
    for path, item in SPEC["paths"].items():
        expected = "LwaError" if path.startswith("/api/lwa/") else "Error"
        for method, operation in item.items():
            for status in ERRORS:
                answer = operation["responses"].get(status)
                if answer is None or (shape(answer) != expected and not status == "503"):
                    missing.append(f"{method.upper()} {path} {status}")
    assert missing == []
