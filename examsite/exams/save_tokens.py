"""The autosave's credential: a save token scoped to one attempt, signed by examsite.

The test page carries it and take.js sends it in the ``X-Save-Token`` header with every save;
both the autosave gate (gate.py) and the full way (taking.py) check it, and nothing else: not
the session cookie, not a CSRF token. A browser never attaches a custom header to a request
another site makes it send, so a save needs no CSRF token and no referrer check.

A token says: attempt, user, the account's session epoch when it was issued, and until when
it is good (the attempt's deadline, its grace period and ``MARGIN``). It is one HMAC-SHA256
under a key derived from the app's SECRET_KEY for this purpose alone, so it is no session,
no CSRF token and no remember cookie, and none of those is a save token. The epoch is
checked against the account where the answer is written (``"user".session_epoch = :epoch``):
logout, a password change, disabling or a reset raise it, and every token issued before
stops working at once. Expiry is read from ``examsite.clock`` (the one clock).

    v1.<attempt id>.<user id>.<epoch>.<expires, seconds since 1970 UTC>.<signature>
"""
import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from ..clock import now

HEADER = "X-Save-Token"
ENVIRON_KEY = "HTTP_X_SAVE_TOKEN"
PURPOSE = b"examsite.exams.save-token.v1"
VERSION = "v1"
#: a token outlives the deadline and its grace period by this much (a slow network, a clock
#: a few minutes off); the test page asks the clock endpoint for a fresh one when it is refused
MARGIN = timedelta(minutes=15)
EPOCH = datetime(1970, 1, 1)
LONGEST = 200  # characters: anything longer is not a token of ours


@dataclass(frozen=True, slots=True)
class SaveClaim:
    attempt_id: int
    user_id: int
    epoch: int
    expires: int  # seconds since 1970, UTC


@lru_cache(maxsize=4)
def _key(secret: str | bytes) -> bytes:
    """This purpose's own key: an HMAC of the purpose under the app's secret."""
    secret = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(secret, PURPOSE, hashlib.sha256).digest()


def _signature(key: bytes, message: str) -> str:
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def seconds(moment: datetime) -> int:
    """A naive UTC time as whole seconds since 1970."""
    return int((moment - EPOCH).total_seconds())


def expiry(deadline: datetime, grace: timedelta) -> datetime:
    """Until when a token for an attempt with this deadline is good."""
    return deadline + grace + MARGIN


def issue(secret: str | bytes, attempt_id: int, user_id: int, epoch: int, expires: datetime) -> str:
    message = f"{VERSION}.{int(attempt_id)}.{int(user_id)}.{int(epoch)}.{seconds(expires)}"
    return f"{message}.{_signature(_key(secret), message)}"


def read(secret: str | bytes, token: str | None, attempt_id: int, at: datetime | None = None) -> SaveClaim | None:
    """The claim of a good token for this attempt, or None: missing, malformed, tampered,
    signed under another key, for another attempt, or expired. The epoch is not checked here:
    the statement that writes checks it against the account."""
    if not token or len(token) > LONGEST or not secret:
        return None
    message, dot, signature = token.rpartition(".")
    if not dot or not hmac.compare_digest(_signature(_key(secret), message), signature):
        return None
    parts = message.split(".")
    if len(parts) != 5 or parts[0] != VERSION:
        return None
    try:
        claimed, user_id, epoch, expires = (int(part) for part in parts[1:])
    except ValueError:
        return None
    if claimed != attempt_id or expires < seconds(at or now()):
        return None
    return SaveClaim(claimed, user_id, epoch, expires)
