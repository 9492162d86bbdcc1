"""What a Redirect URI call without a code tells us: Amazon's error parameters, consent-page
codes in any parameter, and parameters that belong to another step.

Amazon documents no error parameters on the Redirect URI (consent-page codes such as MD1000 are
shown on Amazon's own page), but partners, proxies and older flows do bring them back, in any
parameter and spelled loosely ("md-1000", "SPDC 8143"). Reading them defensively costs nothing
and lets a seller who comes back with one learn what to do.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import replace

from auth.explainer.catalog import catalog
from auth.explainer.findings import Finding

# MD1000, md-1000, "SPDC 8143", SPSA_0404: a consent-page code however it was typed.
CONSENT_CODE_RE = re.compile(r"(?<![A-Za-z0-9])(MD|SPDC|SPSA)[ \t_-]*(\d{3,5})(?!\d)", re.I)
# Values that are secrets or random tokens: never scanned (a random state could hold "MD123")
# and never echoed.
OPAQUE_PARAMETERS = frozenset({"state", "spapi_oauth_code", "mws_auth_token", "amazon_state", "code"})
LOGIN_PARAMETERS = ("amazon_callback_uri", "amazon_state")
MAX_PARAMETERS = 50
MAX_TEXT = 300
MAX_CODES = 5


@dataclass(frozen=True)
class RedirectSignals:
    """The parts of a code-less Redirect URI call that a diagnosis reads; safe to keep in a
    session cookie (no state, code or token values)."""

    codes: tuple[str, ...] = ()
    error: str = ""
    error_code: str = ""
    error_description: str = ""
    mws_auth_token: bool = False
    login_parameters: bool = False
    selling_partner_id: bool = False
    # What our consent URI carried, from the consumed state (none of it is secret).
    sent_application_id: str = ""
    sent_version: str = ""
    sent_marketplace_id: str = ""
    sent_redirect_uri: str = ""
    sent_app_status: str = ""
    sent_known: bool = False

    @property
    def reported_error(self) -> bool:
        """True when Amazon (or whatever sent the partner back) reported an error."""
        return bool(self.codes or self.error or self.error_code)

    def as_dict(self) -> dict:
        """A JSON-safe copy, for the session."""
        data = asdict(self)
        data["codes"] = list(self.codes)
        return data

    @classmethod
    def from_dict(cls, data) -> "RedirectSignals":
        """Rebuild from ``as_dict`` output; anything malformed reads as an empty call."""
        if not isinstance(data, dict):
            return cls()
        codes = data.get("codes") if isinstance(data.get("codes"), list) else []
        return cls(
            codes=tuple(str(c)[:16] for c in codes[:MAX_CODES]),
            error=_text(data.get("error")),
            error_code=_text(data.get("error_code")),
            error_description=_text(data.get("error_description")),
            mws_auth_token=data.get("mws_auth_token") is True,
            login_parameters=data.get("login_parameters") is True,
            selling_partner_id=data.get("selling_partner_id") is True,
            sent_application_id=_text(data.get("sent_application_id")),
            sent_version=_text(data.get("sent_version")),
            sent_marketplace_id=_text(data.get("sent_marketplace_id")),
            sent_redirect_uri=_text(data.get("sent_redirect_uri")),
            sent_app_status=_text(data.get("sent_app_status")),
            sent_known=data.get("sent_known") is True,
        )

    def with_sent(self, record: dict | str | None) -> "RedirectSignals":
        """These signals beside what the consent URI carried (the state's record: a dict, or
        its JSON; anything else reads as nothing sent)."""
        sent = record
        if isinstance(record, str):
            try:
                sent = json.loads(record)
            except ValueError:
                sent = None
        if not isinstance(sent, dict):
            return self
        return replace(
            self,
            sent_application_id=_text(sent.get("application_id")),
            sent_version=_text(sent.get("version")),
            sent_marketplace_id=_text(sent.get("marketplace_id")),
            sent_redirect_uri=_text(sent.get("redirect_uri")),
            sent_app_status=_text(sent.get("app_status")),
            sent_known=True,
        )


def consent_codes(text: str) -> list[str]:
    """Return every consent-page code in ``text``, written canonically (``MD1000``)."""
    found = []
    for prefix, digits in CONSENT_CODE_RE.findall(text):
        code = f"{prefix.upper()}{digits}"
        if code not in found:
            found.append(code)
    return found


def read_redirect(params: Mapping[str, str]) -> RedirectSignals:
    """Read a Redirect URI call's parameters (names in any case) into signals."""
    lowered: dict[str, str] = {}
    for name in list(params)[:MAX_PARAMETERS]:
        value = params.get(name)
        lowered.setdefault(str(name).lower(), value if isinstance(value, str) else "")
    codes: list[str] = []
    for name, value in lowered.items():
        if name in OPAQUE_PARAMETERS:
            continue
        for code in consent_codes(f"{name} {value[:2048]}"):
            if code not in codes:
                codes.append(code)
    error = _text(lowered.get("error"))
    error_code = _text(lowered.get("error_code"))
    return RedirectSignals(
        codes=tuple(codes[:MAX_CODES]),
        # A consent code in error/error_code is already in `codes`; keep the rest verbatim.
        error="" if consent_codes(error) else error,
        error_code="" if consent_codes(error_code) else error_code,
        error_description=_text(lowered.get("error_description") or lowered.get("error_message")),
        mws_auth_token=bool(lowered.get("mws_auth_token")),
        login_parameters=any(lowered.get(name) for name in LOGIN_PARAMETERS),
        selling_partner_id=bool(lowered.get("selling_partner_id")),
    )


def redirect_signal_findings(signals: RedirectSignals) -> list[Finding]:
    """Findings for a Redirect URI call that carries no code."""
    found: list[Finding] = []
    for code in signals.codes:
        known = catalog().get(code)
        found.append(
            Finding(
                "error",
                f"Amazon reported {code} and sent the partner back without a code"
                + ("." if known else "; this code is not in our catalog yet: quote it to Amazon's support."),
                known.id if known else None,
            )
        )
    for name, value in (("error", signals.error), ("error_code", signals.error_code)):
        if value:
            entries = catalog().for_code(value)
            found.append(
                Finding(
                    "error",
                    f"Amazon returned {name}={value[:60]} instead of a code; nothing can be exchanged.",
                    entries[0].id if entries else None,
                )
            )
    if signals.error_description:
        found.append(Finding("info", f"Amazon's description: {signals.error_description[:200]}"))
    if signals.login_parameters:
        found.append(
            Finding(
                "error",
                "The Login URI's parameters arrived where the Redirect URI's were expected: check "
                "that the registered Login URI and Redirect URI are not swapped.",
            )
        )
    if signals.mws_auth_token:
        found.append(
            Finding(
                "error",
                "mws_auth_token arrived without spapi_oauth_code: that is the legacy MWS "
                "authorization's answer. The app is registered without SP-API OAuth URIs, or the "
                "partner was sent to the MWS authorization page.",
                "mws-authorization-page",
            )
        )
    if signals.selling_partner_id and not signals.reported_error:
        found.append(
            Finding(
                "warning",
                "selling_partner_id arrived without spapi_oauth_code: the partner reached Amazon's "
                "consent page, but Amazon issued no code (cancelled, or consent was refused).",
            )
        )
    if not found:
        found.append(
            Finding(
                "warning",
                "A Redirect URI call without spapi_oauth_code: the partner cancelled on Amazon's "
                "page, or this is another step's URL. Nothing can be exchanged.",
            )
        )
    return found


def _text(value) -> str:
    return value.strip()[:MAX_TEXT] if isinstance(value, str) else ""
