"""The explainer: the error catalog (``data/catalog/*.toml``), the diagnosis of codes, messages,
bodies and URLs, and the configuration doctor.

May import: auth.config.
"""
