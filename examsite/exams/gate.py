"""The autosave's quick way, answered before Flask builds a request.

WSGI middleware in front of the Flask app. For ``POST /my/attempts/<id>/answers`` it checks the
one credential a save carries, examsite's own save token in the X-Save-Token header
(``save_tokens.py``: signed for this attempt and user, not expired), then tries
``autosave.quick_save()``, whose statement checks the token's session epoch against the
account. It reads no session cookie and no CSRF token: a browser never sends a custom header
to this site on another site's behalf. Whatever it does not store — a missing or bad token,
anything unusual about the request, an answer the quick way does not vouch for, a write the
statement did not store — goes on to the Flask app with the body put back, which answers as
before. The gate only ever says yes.
"""
import io
import json
import re
from datetime import timedelta

from ..clock import now
from ..extensions import db
from . import autosave, save_tokens

SAVE_PATH = re.compile(r"/my/attempts/([0-9]{1,18})/answers\Z")
MAX_BODY = 64 * 1024


class AutosaveGate:
    """Installed by ``create_app()`` as the app's ``wsgi_app``."""

    def __init__(self, flask_app):
        self.flask_app = flask_app
        self.app = flask_app.wsgi_app
        self._engine = None

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "POST":
            match = SAVE_PATH.match(environ.get("PATH_INFO", ""))
            if match is not None:
                body = self._read_body(environ)
                try:
                    reply = self._quick(environ, int(match.group(1)), body) if body is not None else None
                except Exception:  # the database gone, say: Flask answers as for any request
                    self.flask_app.logger.exception("autosave gate: left to the app")
                    reply = None
                if reply is not None:
                    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(reply))),
                                              ("Cache-Control", "no-store")])
                    return [reply]
                if body is not None:
                    environ["wsgi.input"] = io.BytesIO(body)
        return self.app(environ, start_response)

    @staticmethod
    def _read_body(environ) -> bytes | None:
        try:
            length = int(environ.get("CONTENT_LENGTH") or "")
        except ValueError:
            return None
        if not 0 < length <= MAX_BODY or environ.get("HTTP_TRANSFER_ENCODING"):
            return None
        return environ["wsgi.input"].read(length)

    def _quick(self, environ, attempt_id: int, body: bytes) -> bytes | None:
        if not environ.get("CONTENT_TYPE", "").startswith("application/json"):
            return None
        config = self.flask_app.config
        claim = save_tokens.read(config.get("SECRET_KEY"), environ.get(save_tokens.ENVIRON_KEY), attempt_id, now())
        if claim is None:
            return None
        try:
            question_id, seq, response, writer = autosave.read_save(json.loads(body))
        except ValueError:  # a JSON error is one too
            return None
        grace = timedelta(seconds=config.get("SAVE_GRACE_SECONDS", 120))
        saved = autosave.quick_save(self.engine, attempt_id, claim.user_id, claim.epoch, question_id, response, seq,
                                    writer, grace)
        if saved is None:
            return None
        return json.dumps(autosave.acknowledgement(question_id, seq, *saved), separators=(",", ":")).encode()

    @property
    def engine(self):
        if self._engine is None:
            with self.flask_app.app_context():
                self._engine = db.engine
        return self._engine
