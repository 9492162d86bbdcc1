"""The token service: the developer's own workers get access tokens, Restricted Data Tokens
and grantless tokens from the vault through API keys, never holding a refresh token or the
client secret themselves.

May import: auth.config, auth.vault, auth.security, auth.clients.
"""
