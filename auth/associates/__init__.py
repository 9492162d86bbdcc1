"""Amazon Associates credentials (Creators API, and the retired PA-API 5.0) for affiliate
plugins: sealed at rest with the vault's keys, checked step by step (consistency, token, one
GetItems call), spaced and serialized across the fleet in the database.

May import: auth.config, auth.vault, auth.clients.
"""
