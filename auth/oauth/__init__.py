"""The OAuth authorization flow: consent URIs, the state, the Login URI's open-redirect guard,
the Redirect URI callback (state consumed, code spent, LWA, vault), and the seller-facing
outcome texts (``data/outcomes.toml``).

May import: auth.config, auth.vault, auth.clients.
"""
