"""Password hashes: Argon2id at the strength OWASP recommends, and the Werkzeug hashes (scrypt,
pbkdf2) that databases made before it still hold, which are replaced at the next good login.

Nothing here logs or shows a password or a hash."""
from functools import cache

from argon2 import PasswordHasher, Type, extract_parameters
from argon2.exceptions import Argon2Error, InvalidHashError
from werkzeug.security import check_password_hash

# OWASP Password Storage Cheat Sheet, Argon2id: "a minimum configuration of 19 MiB of memory, an
# iteration count of 2, and 1 degree of parallelism". About 40 ms CPU per check on the 2-core
# production machine, so 2,000 logins at 9:00 fit in the two minutes before a test starts.
TIME_COST = 2
MEMORY_COST_KIB = 19456
PARALLELISM = 1

_hasher = PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_COST_KIB, parallelism=PARALLELISM, type=Type.ID)

#: a stored hash costing more than this is not ours (a damaged row): refused without being
#: computed, so one bad row cannot hold a worker for minutes or take gigabytes
_MAX_MEMORY_BYTES = 256 * 1024 * 1024
_MAX_ARGON2_TIME_COST = 16
_MAX_ARGON2_PARALLELISM = 8
_MAX_PBKDF2_ITERATIONS = 5_000_000


def hash_password(password: str) -> str:
    """The hash to store for ``password``: ``$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>``."""
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> tuple[bool, bool]:
    """(matches, needs_rehash) for a stored hash and a password typed in. needs_rehash is True
    only when it matches and the hash is not Argon2id at today's parameters (an older Werkzeug
    hash, or Argon2 with other parameters): the caller then stores hash_password(password).

    Anything that is not such a hash (NO_PASSWORD "!", empty, damaged) does not match, and
    costs nothing: the caller calls spend_time() where the time must not tell."""
    if not isinstance(stored, str) or not isinstance(password, str) or not stored:
        return False, False
    try:
        if stored.startswith("$argon2"):
            return _verify_argon2(stored, password)
        if stored.startswith(("scrypt:", "pbkdf2:", "scrypt$", "pbkdf2$")):
            matches = _affordable_werkzeug(stored) and check_password_hash(stored, password)
            return matches, matches
    except (Argon2Error, ValueError, TypeError, OverflowError, MemoryError):
        pass  # a damaged hash (or a password that cannot be encoded) never matches
    return False, False


def _verify_argon2(stored: str, password: str) -> tuple[bool, bool]:
    parameters = extract_parameters(stored)  # InvalidHashError when it is not a whole Argon2 hash
    if (parameters.memory_cost * 1024 > _MAX_MEMORY_BYTES or parameters.time_cost > _MAX_ARGON2_TIME_COST
            or parameters.parallelism > _MAX_ARGON2_PARALLELISM):
        raise InvalidHashError
    _hasher.verify(stored, password)  # VerifyMismatchError when it does not match
    return True, _hasher.check_needs_rehash(stored)


def _affordable_werkzeug(stored: str) -> bool:
    """Whether a Werkzeug hash's own parameters stay within what any real one would use."""
    method, *arguments = stored.split("$", 1)[0].split(":")
    if method == "scrypt" and len(arguments) == 3:
        n, r, p = map(int, arguments)
        return 0 < n and 0 < r and 0 < p and 128 * n * r * p <= _MAX_MEMORY_BYTES
    if method == "pbkdf2" and len(arguments) == 2:
        return 0 < int(arguments[1]) <= _MAX_PBKDF2_ITERATIONS
    return True  # no arguments: Werkzeug's defaults; a wrong count is refused by Werkzeug itself


@cache
def _dummy_hash() -> str:
    return hash_password("examsite-no-such-account")


def spend_time(password: str) -> None:
    """Spend what checking ``password`` against a real account costs, for an unknown username or
    an account without a password, so that a refusal tells nothing of which accounts exist."""
    verify_password(_dummy_hash(), password)
