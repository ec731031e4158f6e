"""The autosave's quick way, answered before Flask builds a request.

WSGI middleware in front of the Flask app. For ``POST /my/attempts/<id>/answers`` it checks
what Flask and Flask-WTF would (the signed session cookie, the signed CSRF token in the
X-CSRFToken header against the one in the session, and on HTTPS the referrer), with the app's
own serializers and settings, then tries ``autosave.quick_save()``. Whatever it does not store
— anything unusual about the request, a session without a logged-in user, an answer the quick
way does not vouch for — goes on to the Flask app with the body put back, which answers as
before. The gate only ever says yes.
"""
import hmac
import io
import json
import re
import time
from datetime import timedelta
from urllib.parse import urlsplit

from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.exceptions import SecurityError
from werkzeug.http import parse_cookie
from werkzeug.wsgi import get_host

from ..extensions import db
from . import autosave

SAVE_PATH = re.compile(r"/my/attempts/([0-9]{1,18})/answers\Z")
MAX_BODY = 64 * 1024
CHECKED_KEPT = 20000  # session and token pairs a worker keeps checked (one per examinee); then it starts afresh


class AutosaveGate:
    """Installed by ``create_app()`` as the app's ``wsgi_app``."""

    def __init__(self, flask_app):
        self.flask_app = flask_app
        self.app = flask_app.wsgi_app
        self._engine = None
        self._checked: dict[tuple[str, str], tuple[int, float]] = {}  # (cookie, token) → (user id, valid until)

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
                                              ("Vary", "Cookie")])
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
        config = self.flask_app.config
        if not config.get("WTF_CSRF_ENABLED", True) or not config.get("WTF_CSRF_CHECK_DEFAULT", True):
            return None
        if "POST" not in config["WTF_CSRF_METHODS"] or not environ.get("CONTENT_TYPE", "").startswith("application/json"):
            return None
        if self.flask_app.login_manager.session_protection == "strong":
            return None  # Flask-Login would check the session's origin on every request
        user_id = self._user_id(environ)
        if user_id is None or not self._referrer_valid(environ):
            return None
        try:
            question_id, seq, response = autosave.read_save(json.loads(body))
        except ValueError:  # a JSON error is one too
            return None
        grace = timedelta(seconds=config.get("SAVE_GRACE_SECONDS", 120))
        saved = autosave.quick_save(self.engine, attempt_id, user_id, question_id, response, seq, grace)
        if saved is None:
            return None
        return json.dumps(autosave.acknowledgement(question_id, seq, *saved), separators=(",", ":")).encode()

    @property
    def engine(self):
        if self._engine is None:
            with self.flask_app.app_context():
                self._engine = db.engine
        return self._engine

    def _user_id(self, environ) -> int | None:
        """The logged-in user of a valid session cookie sent with its valid CSRF token. A pair
        once checked is kept (every autosave of a test sends the same pair) until the sooner of
        its signatures expires: the same bytes check the same way until then."""
        config = self.flask_app.config
        cookie = parse_cookie(environ).get(config["SESSION_COOKIE_NAME"])
        token = next((environ[key] for key in (f"HTTP_{header.upper().replace('-', '_')}"
                                              for header in config["WTF_CSRF_HEADERS"]) if environ.get(key)), None)
        if not cookie or not token:
            return None
        checked = self._checked.get((cookie, token))
        if checked is not None and time.time() < checked[1]:
            return checked[0]
        checked = self._check(cookie, token)
        if checked is not None:
            if len(self._checked) >= CHECKED_KEPT:
                self._checked.clear()
            self._checked[(cookie, token)] = checked
            return checked[0]
        return None

    def _check(self, cookie: str, token: str) -> tuple[int, float] | None:
        """As Flask opens the session and Flask-WTF checks the token: (user id, valid until)."""
        app, config = self.flask_app, self.flask_app.config
        sessions = app.session_interface.get_signing_serializer(app)
        if sessions is None:
            return None
        session_age = int(app.permanent_session_lifetime.total_seconds())
        token_age = config.get("WTF_CSRF_TIME_LIMIT", 3600)
        tokens = URLSafeTimedSerializer(config.get("WTF_CSRF_SECRET_KEY") or app.secret_key, salt="wtf-csrf-token")
        try:
            session, signed_at = sessions.loads(cookie, max_age=session_age, return_timestamp=True)
            raw, token_signed_at = tokens.loads(token, max_age=token_age, return_timestamp=True)
        except BadData:
            return None
        stored = session.get(config.get("WTF_CSRF_FIELD_NAME") or "csrf_token")
        if "_user_id" not in session or not stored or not hmac.compare_digest(stored, raw):
            return None
        until = signed_at.timestamp() + session_age
        if token_age is not None:
            until = min(until, token_signed_at.timestamp() + token_age)
        return int(session["_user_id"]), until

    def _referrer_valid(self, environ) -> bool:
        """As Flask-WTF: over HTTPS the referrer must be this site."""
        if environ.get("wsgi.url_scheme") != "https" or not self.flask_app.config["WTF_CSRF_SSL_STRICT"]:
            return True
        try:
            referrer = urlsplit(environ.get("HTTP_REFERER", ""))
            good = urlsplit(f"https://{get_host(environ, self.flask_app.config.get('TRUSTED_HOSTS'))}/")
        except (SecurityError, ValueError):
            return False
        return (referrer.scheme, referrer.hostname, referrer.port) == (good.scheme, good.hostname, good.port)
