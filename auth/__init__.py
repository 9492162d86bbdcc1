"""The framework-free core of spapi-auth: SP-API authorization without Flask.

One package per capability; each ``__init__`` says what it owns and, on its "May import" line,
which sibling packages it may use (``tests/test_architecture.py`` holds them to it). No module
here imports Flask or ``web``.
"""
