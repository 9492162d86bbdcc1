"""The vault: the database (engine, tables) and the refresh tokens kept in it, encrypted with
MultiFernet, with key rotation.

May import: auth.config.
"""
