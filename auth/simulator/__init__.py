"""The simulator's model of Amazon: consent pages, the LWA token endpoint and the SP-API token
check, as Amazon documents them. It shares no code with our clients, so it can catch them out.
What it issues lives in the database (``grants``), shared by every process.

May import: auth.config, auth.vault.
"""
