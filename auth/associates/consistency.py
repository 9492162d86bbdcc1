"""Findings before any call: the version against the store's region, the partner tag's shape
and store, and credentials pasted into the wrong API's fields."""

import re
from dataclasses import asdict
from dataclasses import dataclass

from auth.associates.regions import VERSIONS
from auth.associates.regions import marketplace
from auth.associates.regions import versions_for

TAG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,70}-\d{2}$")
AWS_ACCESS_KEY_RE = re.compile(r"^(AKIA|ASIA)[A-Z0-9]{16}$")
AWS_SECRET_RE = re.compile(r"^[A-Za-z0-9/+=]{40}$")
# Cognito app-client IDs (the 2.x Credential IDs) are 26 lower-case letters and digits.
COGNITO_ID_RE = re.compile(r"^[a-z0-9]{26}$")
LWA_CLIENT_PREFIX = "amzn1.application-oa2-client."
LWA_SECRET_PREFIX = "amzn1.oa2-cs."


@dataclass(frozen=True)
class Finding:
    """One inconsistency: ``error`` stops the check before Amazon is called, ``warning`` not."""

    severity: str
    field: str
    message: str
    fix: str

    def as_dict(self) -> dict:
        """The finding for JSON and pages."""
        return asdict(self)


def check_consistency(
    api: str,
    version: str | None,
    marketplace_code: str,
    partner_tag: str,
    key_id: str,
    secret: str,
    *,
    sp_api_client_id: str | None = None,
    sp_api_secret_hashes: frozenset[str] = frozenset(),
    secret_hash: str = "",
) -> list[Finding]:
    """Every inconsistency of a credential, before anything is sent to Amazon."""
    store = marketplace(marketplace_code)
    findings = _tag_findings(partner_tag, store)
    if api == "creators":
        findings += _version_findings(version, store)
        findings += _creators_id_findings(version, key_id, secret, sp_api_client_id)
        if secret_hash and secret_hash in sp_api_secret_hashes:
            findings.append(
                Finding(
                    "error",
                    "credential-secret",
                    "This is this app's SP-API LWA client secret, not a Creators API Credential Secret.",
                    "Create a Creators API credential in Associates Central (Tools → Creators API) and "
                    "paste its secret.",
                )
            )
    else:
        findings += _paapi_findings(key_id, secret)
    return findings


def _tag_findings(tag: str, store) -> list[Finding]:
    if not TAG_RE.fullmatch(tag):
        return [
            Finding(
                "error",
                "partner-tag",
                f"{tag[:80]!r} is not shaped like an Associates tracking ID (letters, then a dash and two "
                f"digits).",
                "Copy the tracking ID from Associates Central (Tools → Tracking ID Manager), e.g. mysite-20.",
            )
        ]
    # UNCONFIRMED: the suffixes are what Associates Central issues per store in public examples;
    # Amazon does not document them, so a mismatch is only a warning.
    if store and store.tag_suffix and not tag.endswith(store.tag_suffix):
        return [
            Finding(
                "warning",
                "partner-tag",
                f"Tags of the {store.code} store usually end in {store.tag_suffix}; {tag} may belong to "
                f"another store.",
                f"Use a tracking ID created in the {store.code} Associates Central (InvalidPartnerTag "
                f"otherwise).",
            )
        ]
    return []


def _version_findings(version: str | None, store) -> list[Finding]:
    known = VERSIONS.get(version or "")
    if known is None:
        return [
            Finding("error", "version", f"Unknown version {version!r}.", f"Use one of {', '.join(VERSIONS)}.")
        ]
    if store and known.region != store.region:
        right = " or ".join(versions_for(store.region))
        return [
            Finding(
                "error",
                "version",
                f"Version {version} is for the {known.region} region, but {store.code} is in {store.region}.",
                f"A credential works only in its region: use a credential of the {store.region} region "
                f"(version {right}) "
                f"from the {store.code} Associates Central, or choose a marketplace of the {known.region} "
                f"region.",
            )
        ]
    return []


def _creators_id_findings(version, key_id, secret, sp_api_client_id) -> list[Finding]:
    findings = []
    if AWS_ACCESS_KEY_RE.fullmatch(key_id):
        findings.append(
            Finding(
                "error",
                "credential-id",
                "This is a PA-API 5.0 access key (AKIA…), not a Creators API Credential ID.",
                "PA-API 5.0 keys do not work with the Creators API: create a Creators API credential in "
                "Associates Central.",
            )
        )
    if sp_api_client_id and key_id == sp_api_client_id:
        findings.append(
            Finding(
                "error",
                "credential-id",
                "This is this app's SP-API LWA client ID, not a Creators API Credential ID.",
                "SP-API apps and the Creators API are separate: create a credential in Associates Central.",
            )
        )
    elif (
        version
        and version.startswith("2.")
        and (key_id.startswith(LWA_CLIENT_PREFIX) or secret.startswith(LWA_SECRET_PREFIX))
    ):
        findings.append(
            Finding(
                "error",
                "credential-id",
                f"An LWA client (amzn1.application-oa2-client…) cannot be a version {version} (Cognito) "
                f"credential.",
                "Either this is an SP-API LWA client (create a Creators API credential instead), "
                "or the credential is a 3.x one: set its Version as Associates Central shows it.",
            )
        )
    elif version and version.startswith("3.") and COGNITO_ID_RE.fullmatch(key_id):
        findings.append(
            Finding(
                "warning",
                "version",
                f"The Credential ID looks like a 2.x (Cognito) credential, but the version is {version}.",
                "Check the Version shown next to the credential in Associates Central.",
            )
        )
    return findings


def _paapi_findings(key_id: str, secret: str) -> list[Finding]:
    if COGNITO_ID_RE.fullmatch(key_id) or key_id.startswith(LWA_CLIENT_PREFIX):
        return [
            Finding(
                "error",
                "access-key",
                "This is a Creators API Credential ID pasted into PA-API 5.0 fields.",
                "PA-API 5.0 is retired: add it as a Creators API credential (--api creators, with its "
                "Version).",
            )
        ]
    findings = []
    if not AWS_ACCESS_KEY_RE.fullmatch(key_id):
        findings.append(
            Finding(
                "warning",
                "access-key",
                "PA-API 5.0 access keys are 20 characters starting with AKIA.",
                "Copy the Access Key from Associates Central (Tools → Product Advertising API).",
            )
        )
    if not AWS_SECRET_RE.fullmatch(secret):
        findings.append(
            Finding(
                "warning",
                "secret-key",
                "PA-API 5.0 secret keys are 40 characters; this one is not (a truncated paste?).",
                "Download the key file again; the secret is shown only once when the key is created.",
            )
        )
    return findings
