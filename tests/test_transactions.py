"""An admin's change goes through while examinees' autosaves commit around it.

On SQLite a transaction that has read cannot write once another connection has committed in
between; admin POSTs therefore take the write lock before they read (posts_lock_first).
"""
import threading

from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.exc import OperationalError

from examsite.models import Exam

from . import factories
from .conftest import csrf_from
from .factories import PASSWORD


def test_an_admin_change_is_not_refused_when_an_autosave_commits_meanwhile(db, client, auth, database_url):
    factories.bank()
    exam = factories.exam()
    factories.user("admin", role="admin")
    db.session.commit()
    exam_id = exam.id
    auth.login("admin", PASSWORD)
    auth.token = csrf_from(client.get(f"/exams/{exam_id}").get_data(as_text=True))
    db.session.rollback()
    engine = db.engine
    other = create_engine(database_url)  # another worker process, saving an answer
    saved = []

    def autosave_commits(conn, cursor, statement, *args):
        """Right after the request's first read, an autosave commits."""
        if saved or not statement.lstrip().upper().startswith("SELECT"):
            return
        saved.append("tried")
        try:
            with other.begin() as writer:
                if writer.dialect.name == "sqlite":
                    writer.exec_driver_sql("PRAGMA busy_timeout = 200")  # it would wait its turn; no need here
                writer.execute(text("UPDATE tier SET rank = rank + 1 WHERE id = (SELECT min(id) FROM tier)"))
            saved.append("committed")
        except OperationalError:
            saved.append("waited")  # the request holds the write lock already

    responses = []
    # in a thread of its own, as a server runs it: its own app context and database session
    request = threading.Thread(target=lambda: responses.append(auth.post(f"/exams/{exam_id}/copy")))
    event.listen(engine, "after_cursor_execute", autosave_commits)
    try:
        request.start()
        request.join(60)
    finally:
        event.remove(engine, "after_cursor_execute", autosave_commits)
        other.dispose()
    assert saved[0] == "tried"
    assert responses[0].status_code == 302, responses[0].get_data(as_text=True)[:300]
    assert db.session.scalar(select(func.count(Exam.id))) == 2
