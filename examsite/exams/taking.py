"""The examinee's side: his tests, the start page, the test page, autosave, submit, result.

Nothing an examinee's browser receives carries an answer key or an explanation before his
attempt is closed: the test page is built from ``examinee_view()``, which leaves them out.
"""
from dataclasses import dataclass

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from .. import qtypes
from ..accounts.access import role_required
from ..banks.parsed import LETTERS
from ..campaigns.bands import band_of
from ..campaigns.standings import counted_for_makeup
from ..clock import now
from ..extensions import commit_keeping_objects, csrf, db, write_transaction
from ..models import QUESTION_TYPES, Attempt, Exam
from . import assignment, attempts, autosave, plans, save_tokens
from . import keys
from .errors import ExamError, LateSave
from ..forms import ActionForm
from .views import shown_item, shown_response

bp = Blueprint("take", __name__, url_prefix="/my")


@bp.after_request
def never_stored(response):
    """No page of a test is kept by the browser or a proxy: Back never shows a stale paper,
    and a reply about the clock or a save is always fresh."""
    response.headers["Cache-Control"] = "no-store"
    return response


STALE_PAGE = "页面已过期，请刷新页面后再交卷。"


@bp.errorhandler(CSRFError)
def stale_page(error):
    """The test page's token no longer matches the session: take.js is told in JSON (and keeps
    what it has not saved), a plain form gets the error page."""
    if _wants_json() or request.is_json:
        return jsonify(saved=False, closed=False, stale=True, error=STALE_PAGE), 400
    message = "页面已过期或来源无效（CSRF 校验失败），请刷新页面后重试。"
    return render_template("errors/error.html", code=400, message=message), 400


def _staff():
    staff = current_user.staff
    if staff is None:
        abort(403)
    return staff


def _own_attempt(attempt_id: int, lock: bool = False, user_id: int | None = None) -> Attempt:
    """The attempt, if it is the logged-in examinee's; anyone else's is a 404, never a hint.

    With ``lock`` the row is locked (PostgreSQL) so a save and a close cannot cross.
    """
    user_id = user_id or current_user.id  # read before write_transaction() expires the loaded user
    if lock:
        write_transaction()
    attempt = attempts.own_attempt(attempt_id, user_id, lock)
    if attempt is None:
        abort(404)
    return attempt


LOGIN_LOST = "登录已失效，请在新窗口重新登录后回到本页，答案会自动补发。"


def save_token(attempt_id: int, deadline, user=None) -> str:
    """A save token for the logged-in examinee's attempt, good until its deadline, the grace
    period and a margin (``save_tokens.py``); his account's session epoch is in it."""
    user = user or current_user
    return save_tokens.issue(current_app.config["SECRET_KEY"], attempt_id, user.id, user.session_epoch,
                             save_tokens.expiry(deadline, attempts.grace()))


def _login_lost():
    """A save without a good token: take.js keeps the answer, asks the examinee to log in again
    in another window, and fetches a fresh token from the clock until it gets one."""
    return jsonify(saved=False, error=LOGIN_LOST, login=True), 401


@bp.get("/")
@role_required("examinee")
def home():
    if current_user.staff is None:
        return render_template("take/home.html", entries=[], staff=None, unlinked=True)
    entries = attempts.exams_for(current_user.staff)
    db.session.commit()  # attempts closed on the way
    return render_template("take/home.html", entries=entries, staff=current_user.staff,
                           score_visible=attempts.score_visible)


@bp.get("/exams/<int:exam_id>")
@role_required("examinee")
def start_page(exam_id: int):
    exam = db.get_or_404(Exam, exam_id)
    staff = _staff()
    if not assignment.takes(exam, staff):
        abort(404)
    plan = assignment.plan_for(exam, staff)
    attempt = assignment.latest_attempt(exam, staff)
    return render_template("take/start.html", exam=exam, plan=plan, attempt=attempt,
                           sections=plans.plan_sections(plan), total=plans.plan_total(plan),
                           types=QUESTION_TYPES, scoring=plans.SCORING, form=ActionForm(), now=now())


@bp.post("/exams/<int:exam_id>/start")
@role_required("examinee")
def start(exam_id: int):
    """Start (or resume) and answer with the test page itself rather than a redirect to it: at
    9:00 everyone presses 开始答题 at once, and a second request each would nearly double the
    morning's load. take.js puts the page's own address (take.paper) in the address bar, so a
    reload asks for it and never posts again (a browser without history.replaceState offers to
    post again, which resumes the same attempt)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    write_transaction()
    # with its plans (and, in one more query, its units): who takes it and with which plan is asked next
    exam = db.get_or_404(Exam, exam_id, options=[joinedload(Exam.plans), selectinload(Exam.units)])
    try:
        attempt, resumed = attempts.begin_attempt(exam, _staff())
        commit_keeping_objects()  # the page below is built from what was just written
    except ExamError as error:
        db.session.rollback()
        flash(str(error), "warning")
        return redirect(url_for("take.start_page", exam_id=exam.id))
    except IntegrityError:
        # a second click or another device started it at the same moment: take that attempt
        db.session.rollback()
        attempt, resumed = assignment.latest_attempt(exam, _staff()), True
    return paper_page(attempt, attempts.responses_of(attempt) if resumed else {})


@bp.get("/attempts/<int:attempt_id>")
@role_required("examinee")
def paper(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    if attempts.close_if_expired(attempt):
        db.session.commit()
        return redirect(url_for("take.result", attempt_id=attempt.id))
    return paper_page(attempt, attempts.responses_of(attempt))


def paper_page(attempt: Attempt, responses: dict):
    """The test page of an open attempt, with the answers stored so far."""
    return render_template("take/paper.html", attempt=attempt, exam=attempt.exam,
                           questions=examinee_view(attempt.paper), responses=responses,
                           remaining=attempts.remaining_seconds(attempt.deadline), types=QUESTION_TYPES,
                           kinds=qtypes.REGISTRY, form=ActionForm(), save_token=save_token(attempt.id, attempt.deadline))


@dataclass(frozen=True, slots=True)
class ExamineeOption:
    value: str  # the option's letter in the bank: what a save sends
    label: str  # the letter the examinee sees, in his order
    text: str


@dataclass(frozen=True, slots=True)
class ExamineeQuestion:
    """A question as the examinee may see it. Attributes, not dict keys: the test page reads
    some 2,000 of them, and a template reaches an attribute at once but a key only after a
    failed attribute lookup."""
    number: int
    id: int
    type: str
    stem: str
    options: list[ExamineeOption]
    blanks: int
    points: float


def examinee_view(paper: list[dict]) -> list[ExamineeQuestion]:
    """The paper as the examinee may see it: options in his order, labelled by their bank letter
    (which tells nothing of the key), and no key, no explanation."""
    view = []
    for number, item in enumerate(paper, start=1):
        options = [ExamineeOption(LETTERS[i], LETTERS[position], item["options"][i])
                   for position, i in enumerate(item["order"])]
        blanks = qtypes.get(item["type"]).blanks(item["answer"])
        view.append(ExamineeQuestion(number, item["id"], item["type"], item["stem"], options, blanks, item["points"]))
    return view


@bp.post("/attempts/<int:attempt_id>/answers")
@csrf.exempt  # the save token in a custom header is the credential: no other site can send one
def save(attempt_id: int):
    """Autosave one answer: {"question": id, "response": …, "seq": n, "writer": tab}, with the
    test page's save token in X-Save-Token (not the session cookie, not a CSRF token).

    Most saves never get here: the autosave gate (gate.py) stores them before Flask builds a
    request. What reaches this view is what the gate would not vouch for, and is read afresh:
    a missing, bad, expired or old token is a 401 in JSON (never a redirect), an attempt whose
    time is up is closed and graded, a save it refuses gets a reason, and a write the database
    kept out (the same tab has a newer change stored) is answered ``superseded``.
    """
    moment = now()  # one moment for every look at the clock: a row found open is never closed
    claim = save_tokens.read(current_app.config["SECRET_KEY"], request.headers.get(save_tokens.HEADER), attempt_id,
                             moment)
    if claim is None:
        return _login_lost()
    try:
        question_id, seq, response, writer = autosave.read_save(request.get_json(silent=True))
    except ValueError:
        return jsonify(saved=False, error="请求格式不正确。"), 400
    write_transaction()
    attempt = attempts.open_attempt_row(attempt_id, claim.user_id, claim.epoch)
    if attempt is None:
        if not attempts.epoch_current(claim.user_id, claim.epoch):
            db.session.rollback()
            return _login_lost()
        abort(404)
    if not attempts.takes_answers(attempt, moment):
        attempt = _own_attempt(attempt_id, lock=True, user_id=claim.user_id)
    try:
        saved_at = attempts.save_answer(attempt, question_id, response, seq, writer, at=moment)
    except LateSave as error:
        db.session.commit()  # the attempt may have just been closed and graded
        return jsonify(saved=False, error=str(error), closed=True), 409
    except ExamError as error:
        db.session.rollback()
        return jsonify(saved=False, error=str(error)), 400
    if saved_at is None:
        db.session.rollback()
        return jsonify(autosave.superseded(question_id, seq))
    reply = autosave.acknowledgement(question_id, seq, saved_at, attempt.deadline)  # before the commit expires it
    db.session.commit()
    return jsonify(reply)


@bp.get("/attempts/<int:attempt_id>/clock")
@role_required("examinee")
def clock(attempt_id: int):
    """The test page asks how long is left: an admin may have given more time, reopened the
    attempt or ended the test. {"remaining": seconds, "closed": bool}, and while the attempt is
    open a fresh save token for its deadline as it now is ("save_token") and the session's CSRF
    token for handing in ("csrf_token"): after a new login the page goes on with these.
    Anyone else's is a 404."""
    row = attempts.clock_row(attempt_id, current_user.id)
    if row is None:
        abort(404)
    moment = now()
    closed = row.submitted_at is not None
    if not closed and not attempts.takes_answers(row, moment):  # past the grace period: close it now
        closed = attempts.close_if_expired(_own_attempt(attempt_id), moment)
        db.session.commit()
    if closed:
        return jsonify(remaining=0, closed=True)
    return jsonify(remaining=attempts.remaining_seconds(row.deadline, moment), closed=False,
                   save_token=save_token(attempt_id, row.deadline), csrf_token=generate_csrf())


def _wants_json() -> bool:
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


@bp.post("/attempts/<int:attempt_id>/submit")
@role_required("examinee")
def submit(attempt_id: int):
    """Hand in the paper. The test page posts it from take.js and is told in JSON (so a
    network failure is retried, never an error page); without JavaScript the form posts it."""
    attempt = _own_attempt(attempt_id, lock=True)
    if not ActionForm().validate_on_submit():
        if _wants_json():
            db.session.rollback()
            return jsonify(saved=False, closed=False, stale=True, error=STALE_PAGE), 400
        abort(400)
    attempts.submit(attempt)
    db.session.commit()
    result_url = url_for("take.result", attempt_id=attempt.id)
    if _wants_json():
        return jsonify(closed=True, result_url=result_url)
    return redirect(result_url)


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One question of a closed attempt under review: the key beside his answer."""
    number: int
    question: object  # banks.display.ShownQuestion, options in his order
    given: str  # what he answered, in the letters he saw
    points: float  # what he earned
    full: float  # what the question is worth
    verdict: str  # right | partial | wrong
    key_hidden: bool = False  # still in use by a test not over (keys.py): no key, no verdict


VERDICTS = {"right": "✓ 正确", "partial": "部分正确", "wrong": "✗ 错误"}


def review_items(attempt: Attempt, answers: dict, hidden: set[int] = frozenset()) -> list[ReviewItem]:
    items = []
    for number, item in enumerate(attempt.paper, start=1):
        answer = answers.get(item["id"])
        if item["id"] in hidden:  # not even right or wrong: that would tell the key of a judge question
            items.append(ReviewItem(number, keys.without_key(shown_item(item)),
                                    shown_response(item, answer.response if answer else None), 0.0,
                                    float(item["points"]), "hidden", key_hidden=True))
            continue
        points = float(answer.points or 0) if answer is not None else 0.0
        if answer is not None and answer.correct:
            verdict = "right"
        elif points > 0:
            verdict = "partial"
        else:
            verdict = "wrong"
        items.append(ReviewItem(number, shown_item(item), shown_response(item, answer.response if answer else None),
                                points, float(item["points"]), verdict))
    return items


@bp.get("/attempts/<int:attempt_id>/result")
@role_required("examinee")
def result(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    if not attempts.close_if_expired(attempt):
        return redirect(url_for("take.paper", attempt_id=attempt.id))
    db.session.commit()
    review = attempt.exam.review_allowed and now() >= attempt.exam.closes_at
    answers = attempts.answer_rows(attempt)
    hidden = keys.questions_with_hidden_keys([item["id"] for item in attempt.paper], current_user) if review else set()
    full_marks = sum(float(item["points"]) for item in attempt.paper)
    band = band_of(attempt.exam, float(attempt.score) if attempt.score is not None else None, full_marks, attempt.passed)
    return render_template("take/result.html", attempt=attempt, exam=attempt.exam, review=review, band=band,
                           counted=counted_for_makeup(attempt),
                           show_score=attempts.score_visible(attempt.exam), hidden_note=keys.HIDDEN_NOTE,
                           items=review_items(attempt, answers, hidden) if review else [], verdicts=VERDICTS,
                           full_marks=full_marks, pass_mark=float(attempt.plan.pass_mark),
                           order=[item["id"] for item in attempt.paper],
                           stored={str(qid): [row.writer, row.client_seq] for qid, row in answers.items()},
                           types=QUESTION_TYPES)
