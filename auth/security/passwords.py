"""Administrator password hashes: Werkzeug's scrypt and PBKDF2 hashes (``method$salt$hash``),
made and checked by ``werkzeug.security`` (a hashing library, no web framework), with this
module's own policy on top: parameters too weak to resist guessing are refused."""

from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from auth.errors import InvalidInput

HASH_PREFIXES = ("scrypt:", "pbkdf2:")
SCRYPT_DEFAULT = (2**15, 8, 1)
# Floors below which a hash is refused: OWASP's password storage cheat sheet asks for
# scrypt N >= 2^13 (with r=8) and PBKDF2-SHA256 >= 600,000 iterations; we keep the same spirit.
SCRYPT_MIN_N = 2**14
PBKDF2_MIN_ITERATIONS = {"sha256": 600_000, "sha512": 210_000}


class WeakHash(InvalidInput):
    """The hash is malformed or its parameters are below our floors; the message says which."""


def hash_password(password: str) -> str:
    """Return a salted scrypt hash for ``ADMIN_PASSWORD_HASH``."""
    n, r, p = SCRYPT_DEFAULT
    return generate_password_hash(password, method=f"scrypt:{n}:{r}:{p}", salt_length=16)


def check_hash_strength(password_hash: str) -> None:
    """Raise ``WeakHash`` unless ``password_hash`` is well formed with strong parameters."""
    _parse(password_hash)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check ``password`` against the configured hash (False when none is configured)."""
    if not password_hash:
        return False
    try:
        _parse(password_hash)
    except WeakHash:  # a malformed or weak hash: refuse, never crash the log-in page
        return False
    try:
        return check_password_hash(password_hash, password)
    except (ValueError, MemoryError):  # parameters the hashing library cannot run
        return False


def _parse(password_hash: str) -> tuple[str, tuple, str, str]:
    parts = password_hash.split("$")
    if len(parts) != 3 or not password_hash.startswith(HASH_PREFIXES):
        raise WeakHash("not a scrypt or pbkdf2 hash in method$salt$hash form")
    method_text, salt, expected = parts
    method, *raw = method_text.split(":")
    if len(salt) < 8 or not expected:
        raise WeakHash("the salt is shorter than 8 characters or the hash is empty")
    try:
        if method == "scrypt":
            n, r, p = (int(v) for v in raw) if raw else SCRYPT_DEFAULT
            if n < SCRYPT_MIN_N or n & (n - 1) or r < 8 or not 1 <= p <= 16 or n * r * p > 2**24:
                raise WeakHash(f"scrypt parameters {n}:{r}:{p} are too weak (N must be a power of 2 >= 2^14)")
            return method, (n, r, p), salt, expected
        digest, iterations = raw[0], int(raw[1])
    except (ValueError, IndexError):
        raise WeakHash("the hash parameters are not numbers") from None
    floor = PBKDF2_MIN_ITERATIONS.get(digest)
    if floor is None or iterations < floor:
        raise WeakHash(f"pbkdf2:{digest}:{iterations} is too weak (use sha256 with >= 600000 iterations)")
    return method, (digest, iterations), salt, expected
