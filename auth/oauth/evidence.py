"""Evidence of the account a new token belongs to, and the rule that decides what is stored.

The ``selling_partner_id`` on the Redirect URI comes from the browser's address bar, so
anyone can edit it. Before a token is stored under that ID we ask Amazon, with the new
access token, which account it opens: the Sellers API gives the account's marketplaces and
store names (hashed into an *account fingerprint*); where the app has the Product Listing
role, a Listings Items search under the claimed ID answers only for the token's own seller
ID. UNCONFIRMED by Amazon's documentation (third-party reports only), so that check is off
unless ``SPAPI_VERIFY_SELLER_ID=1`` says the app has the role.
"""

import hashlib
import time
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field

from auth.clients import sellers
from auth.clients.sellers import marketplace_participations
from auth.clients.sellers import search_listings
from auth.config.marketplaces import Region

VERIFIED, INVITED, CLAIMED = "verified", "invited", "claimed"
TRUST_ORDER = {CLAIMED: 0, INVITED: 1, VERIFIED: 2}


@dataclass
class Evidence:
    """What Amazon showed about the token's account (no secrets: hashes and outcomes)."""

    account_fingerprint: str | None = None
    marketplace_ids: list[str] = field(default_factory=list)
    seller_id_check: str = "not_checked"  # verified | mismatch | not_checked | failed
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """A JSON-ready copy for the database and the audit trail."""
        return asdict(self)


@dataclass(frozen=True)
class EvidenceCollector:
    """The evidence calls, configured for this app: where Amazon is, which checks apply."""

    url_for_amazon: object
    verify_seller_id: bool = False

    def collect(
        self, region: Region, access_token: str, account_type: str, selling_partner_id: str
    ) -> Evidence:
        """Ask Amazon whose token ``access_token`` is; never raises, never blocks long."""
        evidence = Evidence()
        if account_type == "vendor":
            # Vendor Central accounts have no Sellers API; no Vendor API operation names the
            # account in a way we could compare, so nothing is checked for vendors.
            evidence.notes.append("vendor account: no SP-API operation can show whose token this is")
            return evidence
        deadline = time.monotonic() + sellers.EVIDENCE_BUDGET
        answer = marketplace_participations(
            region, access_token, self.url_for_amazon, sellers.EVIDENCE_BUDGET
        )
        if answer.ok:
            evidence.account_fingerprint, evidence.marketplace_ids = account_fingerprint(answer.body)
        else:
            evidence.notes.append(f"getMarketplaceParticipations failed: {answer.problem}")
        if self.verify_seller_id:
            self._check_seller_id(
                evidence, region, access_token, selling_partner_id, deadline - time.monotonic()
            )
        return evidence

    def _check_seller_id(
        self, evidence, region: Region, access_token: str, seller_id: str, budget: float
    ) -> None:
        if budget < 0.5:
            evidence.seller_id_check = "failed"
            evidence.notes.append("seller-ID check skipped: the evidence time budget was spent")
            return
        if not evidence.marketplace_ids:
            evidence.seller_id_check = "failed"
            evidence.notes.append("seller-ID check skipped: no marketplace to search in")
            return
        answer = search_listings(
            region, access_token, seller_id, evidence.marketplace_ids[0], self.url_for_amazon
        )
        if answer.ok:
            evidence.seller_id_check = "verified"
        elif answer.status == 403:
            evidence.seller_id_check = "mismatch"
            evidence.notes.append("the Listings Items API refused this seller ID for this token")
        else:
            evidence.seller_id_check = "failed"
            evidence.notes.append(f"seller-ID check failed: {answer.problem}")


def account_fingerprint(body: dict | None) -> tuple[str | None, list[str]]:
    """Hash the account's marketplace IDs and store names; return it with the marketplace IDs."""
    entries = (body or {}).get("payload")
    if not isinstance(entries, list):
        return None, []
    pairs = []
    for entry in entries:
        marketplace = entry.get("marketplace") if isinstance(entry, dict) else None
        if isinstance(marketplace, dict) and isinstance(marketplace.get("id"), str):
            pairs.append((marketplace["id"], str(entry.get("storeName", ""))))
    if not pairs:
        return None, []
    canonical = "\n".join(f"{m}|{s}" for m, s in sorted(pairs))
    return "acct:" + hashlib.sha256(canonical.encode()).hexdigest()[:32], [m for m, _ in sorted(pairs)]


@dataclass(frozen=True)
class Decision:
    """Store the token as the active authorization, or keep it pending with a reason."""

    activate: bool
    trust: str
    reason: str
    customer_label: str | None = None


def decide(existing, evidence: Evidence, invitation=None, selling_partner_id: str = "") -> Decision:
    """Apply the storing rules (docs/trust.md, "Whose token is it?") to one new token.

    ``existing`` is the stored authorization for the same partner and region, if any;
    ``invitation`` the invitation the flow came through, if any. Only proof displaces a stored
    token: a verified seller ID, or a re-authorization link bound to this very partner ID whose
    token the evidence does not show opening another account. An account fingerprint is built
    from public facts (marketplaces, store names), so a match alone proves nothing.
    """
    trust = VERIFIED if evidence.seller_id_check == "verified" else INVITED if invitation else CLAIMED
    label = invitation.label if invitation else None
    if evidence.seller_id_check == "mismatch":
        return Decision(
            False, trust, "Amazon refused the seller-ID check: the token belongs to another seller", label
        )
    bound_to = invitation.expected_partner_id if invitation else None
    if bound_to and bound_to != selling_partner_id:
        return Decision(False, trust, "the invitation expected another selling partner ID", label)
    if existing is None:
        return Decision(True, trust, f"new authorization ({trust})", label)
    if trust == VERIFIED:
        return Decision(
            True, trust, "re-authorization (seller ID verified)", label or existing.customer_label
        )
    if bound_to:
        if _opens_another_account(existing, evidence):
            return Decision(
                False, trust, "the re-authorization link's token opens a different account", label
            )
        # Same customer by identifier: the link was made for this partner ID, never by a label.
        return Decision(True, trust, "re-authorization (link bound to this partner)", label)
    if trust == CLAIMED and existing.trust in (VERIFIED, INVITED):
        return Decision(
            False, trust, f"a claimed-only authorization never displaces a {existing.trust} one", label
        )
    if invitation:
        reason = "the invitation is not bound to this partner ID, and an authorization is already stored"
    elif _same_account(existing, evidence):
        reason = "same account fingerprint, but no verified seller ID or bound link: waits for approval"
    elif evidence.account_fingerprint is None or existing.account_fingerprint is None:
        reason = "Amazon could not show whose token this is, and an authorization is already stored"
    else:
        reason = "the token opens a different account than the stored authorization"
    return Decision(False, trust, reason, label)


def _same_account(existing, evidence: Evidence) -> bool:
    """Both sides known and equal; "both unknown" is never the same account."""
    return bool(evidence.account_fingerprint) and evidence.account_fingerprint == existing.account_fingerprint


def _opens_another_account(existing, evidence: Evidence) -> bool:
    """Both sides known and different: the evidence shows another account."""
    return (
        bool(evidence.account_fingerprint)
        and bool(existing.account_fingerprint)
        and evidence.account_fingerprint != existing.account_fingerprint
    )
