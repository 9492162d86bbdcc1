"""Configuration: the settings of the contract, their checks, Amazon identifiers and the
marketplace table (``data/marketplaces.toml``). The bottom layer: everything may read it.

May import: nothing in auth.
"""
