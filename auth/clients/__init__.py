"""Clients of Amazon: LWA (code exchange, refresh, grantless), the access-token cache, SP-API
test calls, and the legacy STS role with SigV4 signing. Each records its HTTP exchange, masked.

May import: auth.config, auth.vault.
"""
