"""Uploaded files kept in the database between their preview and the admin's confirmation,
so any app server can take the confirmation (app servers keep no files of their own)."""
from datetime import timedelta

from sqlalchemy import delete

from .clock import now
from .extensions import db

#: an upload left unconfirmed this long is removed when the next one of its kind arrives
KEPT_FOR = timedelta(days=1)


def keep(model, filename: str, data: bytes, user):
    """Store an upload as a row of ``model`` (BankUpload, RosterUpload …)."""
    db.session.execute(delete(model).where(model.created_at < now() - KEPT_FOR),
                       execution_options={"synchronize_session": "fetch"})
    upload = model(filename=filename, data=data, created_by_id=user.id if user else None)
    db.session.add(upload)
    db.session.flush()
    return upload
