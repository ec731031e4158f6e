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
from urllib.parse import urlsplit

from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.exceptions import SecurityError
from werkzeug.http import parse_cookie
from werkzeug.wsgi import get_host

from ..extensions import db
from . import autosave

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
        if not environ.get("CONTENT_TYPE", "").startswith("application/json"):
            return None
        if self.flask_app.login_manager.session_protection == "strong":
            return None  # Flask-Login would check the session's origin on every request
        session = self._session(environ)
        if session is None or "_user_id" not in session:
            return None
        if not self._csrf_valid(environ, session):
            return None
        try:
            data = json.loads(body)
            user_id = int(session["_user_id"])
            question_id, seq, response = int(data["question"]), int(data.get("seq", 0)), data.get("response")
        except (KeyError, TypeError, ValueError, AttributeError):
            return None
        saved = autosave.quick_save(self.engine, attempt_id, user_id, question_id, response, seq)
        if saved is None:
            return None
        return json.dumps(autosave.acknowledgement(question_id, seq, *saved), separators=(",", ":")).encode()

    @property
    def engine(self):
        if self._engine is None:
            with self.flask_app.app_context():
                self._engine = db.engine
        return self._engine

    def _session(self, environ) -> dict | None:
        app = self.flask_app
        serializer = app.session_interface.get_signing_serializer(app)
        cookie = parse_cookie(environ).get(app.config["SESSION_COOKIE_NAME"])
        if serializer is None or not cookie:
            return None
        try:
            return serializer.loads(cookie, max_age=int(app.permanent_session_lifetime.total_seconds()))
        except BadData:
            return None

    def _csrf_valid(self, environ, session: dict) -> bool:
        config = self.flask_app.config
        if "POST" not in config["WTF_CSRF_METHODS"]:
            return False
        given = next((environ[key] for key in (f"HTTP_{header.upper().replace('-', '_')}"
                                              for header in config["WTF_CSRF_HEADERS"]) if environ.get(key)), None)
        stored = session.get(config.get("WTF_CSRF_FIELD_NAME") or "csrf_token")
        if not given or not stored:
            return False
        serializer = URLSafeTimedSerializer(config.get("WTF_CSRF_SECRET_KEY") or self.flask_app.secret_key,
                                            salt="wtf-csrf-token")
        try:
            token = serializer.loads(given, max_age=config.get("WTF_CSRF_TIME_LIMIT", 3600))
        except BadData:
            return False
        if not hmac.compare_digest(stored, token):
            return False
        if environ.get("wsgi.url_scheme") == "https" and config["WTF_CSRF_SSL_STRICT"]:
            try:  # as Flask-WTF: the referrer must be this site
                referrer = urlsplit(environ.get("HTTP_REFERER", ""))
                good = urlsplit(f"https://{get_host(environ, config.get('TRUSTED_HOSTS'))}/")
                return (referrer.scheme, referrer.hostname, referrer.port) == (good.scheme, good.hostname, good.port)
            except (SecurityError, ValueError):
                return False
        return True
