"""How the simulated SP-API judges an ``x-amz-access-token``: known, unexpired, and for a
selling partner (grantless tokens open only grantless operations)."""


class TokenChecks:
    """Mixed into the simulated Amazon, which provides ``grants`` and ``clock``."""

    def access_token_problem(self, token: str | None, grantless_ok: bool = False) -> str | None:
        """Return why an ``x-amz-access-token`` is refused by the SP-API, or None."""
        if not token:
            return "Access token is missing in the request header."
        entry = self.grants.get("access", token)
        if entry is None or entry.expires_at < self.clock():
            return "The access token you provided is revoked, malformed or invalid."
        if entry.selling_partner_id is None and not grantless_ok:
            return "The access token you provided is revoked, malformed or invalid."
        return None

    def access_token_owner(self, token: str | None) -> str | None:
        """The selling partner whose account an access token opens (None if grantless or unknown)."""
        entry = self.grants.get("access", token)
        return entry.selling_partner_id if entry else None

    def grantless_problem(self, token: str | None, scope: str) -> str | None:
        """Why a grantless operation needing ``scope`` refuses ``token``, or None."""
        problem = self.access_token_problem(token, grantless_ok=True)
        if problem:
            return problem
        if self.grants.get("access", token).scope != scope:
            return f"This operation needs a grantless access token for the scope {scope}."
        return None
