"""Sessions that end: every session id and remember cookie of an account carries its session
epoch (Flask-Login's alternative id, ``User.get_id()``), and so does every save token of a test
page. Raising the epoch at logout, a password change, disabling or a reset ends them all at
once, on every device."""
from ..models import User


def parse_session_id(value: str) -> tuple[int, int] | None:
    """(user id, epoch) of what ``User.get_id()`` gave Flask-Login: "<id>.<epoch>"."""
    user_id, dot, epoch = str(value).partition(".")
    if not dot or not user_id.isdigit() or not epoch.isdigit() or len(user_id) > 18 or len(epoch) > 18:
        return None  # a session from before epochs, or not ours: logged out
    return int(user_id), int(epoch)


def end_sessions(user: User) -> None:
    """Every session, remember cookie and save token issued to ``user`` so far stops working.
    The caller commits."""
    user.session_epoch = (user.session_epoch or 0) + 1
