"""The one place examsite reads the time.

Times are stored as naive UTC datetimes (SQLite keeps no zone); pages show
them in China Standard Time through the ``localtime`` template filter.
Tests freeze the clock with ``freeze(datetime)``.
"""
from datetime import datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "CST")
_frozen: datetime | None = None


def now() -> datetime:
    """Current time, naive UTC."""
    if _frozen is not None:
        return _frozen
    return datetime.now(timezone.utc).replace(tzinfo=None)


def freeze(moment: datetime | None) -> None:
    """Fix now() at ``moment`` (naive UTC); ``None`` lets the clock run again."""
    global _frozen
    _frozen = moment


def to_local(moment: datetime | None) -> datetime | None:
    """A stored naive-UTC datetime as China Standard Time."""
    if moment is None:
        return None
    return moment.replace(tzinfo=timezone.utc).astimezone(CHINA)


def from_local(moment: datetime | None) -> datetime | None:
    """A naive China Standard Time (as typed in a form) as naive UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=CHINA).astimezone(timezone.utc).replace(tzinfo=None)
