"""Escaping what a client sent before it reaches a log line: a CR, LF or ESC decoded from
``%0d%0a`` or ``%1b`` in a path would otherwise forge lines or recolour a terminal."""

import re

# C0 controls, DEL and the C1 controls (NEL, CSI, ...), which terminals and log viewers obey.
CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def escape_controls(value):
    """Return ``value`` with every control character written as ``\\xNN``; non-strings as given."""
    if not isinstance(value, str):
        return value
    return CONTROLS.sub(lambda match: f"\\x{ord(match.group()):02x}", value)
