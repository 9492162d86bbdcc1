"""What a diagnosis or the doctor reports: findings, and the app context they are judged in."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """Something specific to the input: what is wrong (or notable) and which entry explains it."""

    severity: str  # "error", "warning" or "info"
    message: str
    entry_id: str | None = None


@dataclass(frozen=True)
class Context:
    """What we know of the developer's own app, to compare the input against."""

    application_id: str | None = None
    client_id: str | None = None
    draft: bool | None = None
    redirect_uri: str | None = None
    login_uri: str | None = None
    account_type: str | None = None
