"""What the playground keeps between steps, typed; sealed per console session by the vault.

``Workspace.to_dict``/``from_dict`` are the only way in and out of storage: a stored workspace
that does not read back (an older shape, a damaged row) starts empty rather than failing.
"""

from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from dataclasses import fields

ENVIRONMENTS = ("production", "sandbox")


@dataclass
class AccessToken:
    """Step 1's result: an access token and where it came from."""

    token: str
    fingerprint: str
    expires_epoch: float
    fetched: bool
    forced: bool
    attempts: int
    obtained_at: str
    region: str
    account_type: str
    selling_partner_id: str | None = None
    authorization_id: int | None = None
    exchange: dict | None = None


@dataclass
class TokenFailure:
    """Step 1 failed at LWA."""

    kind: str
    http_status: int | None = None
    description: str = ""
    exchange: dict | None = None


@dataclass
class RestrictedToken:
    """Step 2's result: a Restricted Data Token and the resources it covers."""

    token: str
    fingerprint: str
    expires_epoch: float
    resources: list = field(default_factory=list)
    sandbox: bool = False


@dataclass
class CallRecord:
    """One SP-API call as the page shows it: the summary's facts and the masked exchange."""

    status: int | None
    method: str
    url: str
    host: str
    region: str
    body: str = ""
    error: str | None = None
    request_id: str | None = None
    rate_limit: str | None = None
    elapsed_ms: int = 0
    selling_partner_id: str | None = None
    token_region: str | None = None
    exchange: dict | None = None
    curl: str = ""
    operation: str = ""
    token: str = ""


@dataclass
class CallForm:
    """Step 3's form as last sent, so the page shows it again."""

    operation: str = ""
    method: str = "GET"
    path: str = ""
    query: str = ""
    headers: str = ""
    body: str = ""
    environment: str = "production"
    region: str = ""
    token: str = "access"


@dataclass
class Workspace:
    """Everything the playground remembers for one console session."""

    access: AccessToken | None = None
    token_error: TokenFailure | None = None
    rdt: RestrictedToken | None = None
    rdt_result: CallRecord | None = None
    call_result: CallRecord | None = None
    call_form: CallForm | None = None
    # The endpoint last chosen in any step; every step's form starts from it.
    environment: str = "production"

    def remember_environment(self, sandbox: bool) -> None:
        """Keep the endpoint a step used as the page's default."""
        self.environment = "sandbox" if sandbox else "production"

    def to_dict(self) -> dict:
        """A JSON-safe copy for the sealed store."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data) -> "Workspace":
        """Rebuild a stored workspace; parts that do not read back are dropped."""
        if not isinstance(data, dict):
            return cls()
        parts = {
            "access": AccessToken,
            "token_error": TokenFailure,
            "rdt": RestrictedToken,
            "rdt_result": CallRecord,
            "call_result": CallRecord,
            "call_form": CallForm,
        }
        workspace = cls()
        for name, kind in parts.items():
            setattr(workspace, name, _read(kind, data.get(name)))
        if data.get("environment") in ENVIRONMENTS:
            workspace.environment = data["environment"]
        return workspace


def public_view(held: AccessToken | RestrictedToken | None) -> dict | None:
    """What a page may show of a held token: everything but the token itself."""
    return {k: v for k, v in asdict(held).items() if k != "token"} if held else None


def _read(kind, value):
    if not isinstance(value, dict):
        return None
    names = {f.name for f in fields(kind)}
    try:
        return kind(**{k: v for k, v in value.items() if k in names})
    except TypeError:  # a required field is missing: an older or damaged record
        return None
