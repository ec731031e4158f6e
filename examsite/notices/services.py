"""Publishing, correcting and withdrawing notices. Nothing here commits."""
import secrets

from sqlalchemy import select

from ..audit.services import record
from ..clock import now
from ..extensions import db
from ..models import Exam, Notice
from ..results.services import Results
from .snapshot import NoticeDraft, build_snapshot

TITLE_MAX, INTRO_MAX, REASON_MAX = 200, 5000, 500


class NoticeError(ValueError):
    """A notice request that cannot be carried out; the message is for the admin."""


def check_publishable(exam: Exam) -> None:
    if now() < exam.closes_at:
        raise NoticeError("测试尚未结束，结束后才能发布通报。")


def publish(result: Results, draft: NoticeDraft, supersedes: Notice | None = None,
            publisher_id: int | None = None) -> Notice:
    """Freeze the draft as a published notice; a correction names the notice it replaces."""
    exam = result.exam
    check_publishable(exam)
    title, intro = draft.title.strip(), draft.intro.strip()
    if not title:
        raise NoticeError("请填写通报标题。")
    if len(title) > TITLE_MAX or len(intro) > INTRO_MAX:
        raise NoticeError(f"标题不能超过 {TITLE_MAX} 个字，正文导语不能超过 {INTRO_MAX} 个字。")
    if supersedes is not None:
        if supersedes.exam_id != exam.id:
            raise NoticeError("只能更正同一次测试的通报。")
        if superseded_by(supersedes) is not None:
            raise NoticeError(f"通报“{supersedes.title}”已经被更正过，请更正最新的那份。")
    draft.title = title
    notice = Notice(exam_id=exam.id, slug=secrets.token_hex(8), title=title,
                    snapshot=build_snapshot(result, draft), published_at=now(), published_by_id=publisher_id,
                    supersedes_id=supersedes.id if supersedes else None)
    db.session.add(notice)
    db.session.flush()
    summary = f"发布通报“{title}”" + (f"，更正并取代“{supersedes.title}”" if supersedes else "")
    record("notice.publish", summary, target=notice, detail={"exam_id": exam.id, "slug": notice.slug})
    return notice


def withdraw(notice: Notice, reason: str) -> None:
    reason = (reason or "").strip()
    if notice.withdrawn_at is not None:
        raise NoticeError("这份通报已经撤回。")
    if not reason:
        raise NoticeError("请填写撤回原因。")
    if len(reason) > REASON_MAX:
        raise NoticeError(f"撤回原因不能超过 {REASON_MAX} 个字。")
    notice.withdrawn_at, notice.withdraw_reason = now(), reason
    record("notice.withdraw", f"撤回通报“{notice.title}”：{reason}", target=notice)


def superseded_by(notice: Notice) -> Notice | None:
    return db.session.scalar(select(Notice).where(Notice.supersedes_id == notice.id))


def published(include_withdrawn: bool = False) -> list[Notice]:
    query = select(Notice).order_by(Notice.published_at.desc(), Notice.id.desc())
    if not include_withdrawn:
        query = query.where(Notice.withdrawn_at.is_(None))
    return list(db.session.scalars(query))


def for_exam(exam: Exam) -> list[Notice]:
    return list(db.session.scalars(select(Notice).where(Notice.exam_id == exam.id).order_by(Notice.id)))
