"""record(): the one helper every admin write calls (DESIGN invariant 7)."""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..clock import from_local, now
from ..extensions import db
from ..models import AuditLog, User
from .actions import ACTIONS, matching_actions


def record(action: str, summary: str, *, target=None, detail: dict | None = None,
           user: User | None = None) -> AuditLog:
    """Add an audit row to the current transaction; the caller's commit lands both together.

    ``user`` defaults to the logged-in user when there is a request, else nobody (CLI).
    """
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user._get_current_object()
    entry = AuditLog(
        at=now(),  # when it was done, not when the session happens to flush
        action=action,
        summary=summary,
        user_id=user.id if user is not None else None,
        target_type=type(target).__name__ if target is not None else None,
        target_id=str(target.id) if target is not None else None,
        detail=detail,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry


# ---- the log page's filter -------------------------------------------------------------------

#: the longest search text taken, in characters
MAX_SEARCH = 100
NOBODY = "系统/命令行"


@dataclass
class LogFilter:
    """What the log page is asked to show. Empty fields filter nothing."""

    #: words that must each match an action's Chinese name, the summary or the person
    words: list[str] = field(default_factory=list)
    #: an action name (exact when known, else a prefix such as "roster")
    action: str = ""
    #: Beijing dates, both included
    start: date | None = None
    end: date | None = None


def _date(text: str, label: str, problems: list[str]) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(f"{label}“{text[:20]}”不是有效的日期，请按 2026-06-10 的格式填写；此条件未使用。")
        return None


def parse_filter(args) -> tuple[LogFilter, list[str]]:
    """A LogFilter from the page's query arguments (q, action, start, end), and the problems
    found, in Chinese; a part with a problem is left out of the filter."""
    problems: list[str] = []
    text = (args.get("q") or "").strip()
    if len(text) > MAX_SEARCH:
        problems.append(f"搜索内容太长（最多 {MAX_SEARCH} 个字），未按它查找。")
        text = ""
    start = _date(args.get("start") or "", "开始日期", problems)
    end = _date(args.get("end") or "", "结束日期", problems)
    if start and end and end < start:
        problems.append("结束日期早于开始日期，未按日期筛选。")
        start = end = None
    action = (args.get("action") or "").strip()[:60]
    return LogFilter(words=text.split(), action=action, start=start, end=end), problems


def logged_actions() -> list[str]:
    """Every action name in the log (a handful: the column is indexed)."""
    return list(db.session.scalars(select(AuditLog.action).distinct()))


def log_query(wanted: LogFilter):
    """The log's rows matching ``wanted``, newest first."""
    query = select(AuditLog).options(selectinload(AuditLog.user)).order_by(AuditLog.at.desc(), AuditLog.id.desc())
    if wanted.action:
        if wanted.action in ACTIONS:
            query = query.where(AuditLog.action == wanted.action)
        else:
            query = query.where(AuditLog.action.startswith(wanted.action, autoescape=True))
    if wanted.words:
        names = logged_actions()
        for word in wanted.words:
            people = select(User.id).where(or_(User.display_name.icontains(word, autoescape=True),
                                                User.username.icontains(word, autoescape=True)))
            matches = [AuditLog.summary.icontains(word, autoescape=True), AuditLog.user_id.in_(people)]
            actions = matching_actions(word, names)
            if actions:
                matches.append(AuditLog.action.in_(sorted(actions)))
            if word in NOBODY:
                matches.append(AuditLog.user_id.is_(None))
            query = query.where(or_(*matches))
    if wanted.start:
        query = query.where(AuditLog.at >= from_local(datetime.combine(wanted.start, time.min)))
    if wanted.end:
        query = query.where(AuditLog.at < from_local(datetime.combine(wanted.end + timedelta(days=1), time.min)))
    return query
