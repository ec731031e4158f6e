"""What every response carries, and what no request may turn into a 500.

``init_app(app)`` (called by ``create_app()`` before the blueprints are registered):

* Security headers on every response: a Content-Security-Policy with no inline script, nosniff,
  Referrer-Policy same-origin, X-Frame-Options DENY.
  Styles: Bootstrap's local CSS is a file and its JS sets styles through the CSSOM, which a CSP
  does not restrict, so neither needs 'unsafe-inline'. A few templates draw with style=""
  attributes (a unit's indentation, a chart's width); ``style-src-attr 'unsafe-inline'`` lets
  those through while <style> elements and sheets from elsewhere stay refused (a browser that
  predates CSP level 3 falls back to ``style-src 'self'`` and shows them without that styling).
* ``Cache-Control: no-store`` on every page of a logged-in user and every download; only static
  files and the public notice pages, seen by someone not logged in, may be kept by a cache.
* Integers in URLs are bounded (``/exams/99999999999999999999`` is a 404, not a database error),
  a query string or form value holding an integer no database column can hold is a 400, and a JSON body
  nested too deep to parse is a bad request like any other malformed JSON.

``behind_proxies(app)`` (called last, around the finished WSGI app): werkzeug's ProxyFix for
``TRUSTED_PROXIES`` proxies in front (EXAMSITE_TRUSTED_PROXIES, default 0 = none: the headers
X-Forwarded-* are then ignored), and every cookie set on a request that came over HTTPS is sent
with ``Secure`` (SESSION_COOKIE_SECURE / REMEMBER_COOKIE_SECURE, EXAMSITE_SECURE_COOKIES=1, make
it Secure always). Responses the autosave gate answers before Flask get the same fixed headers.
"""
import re

from flask import Flask, abort, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
))
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
#: pages anyone may see without logging in, the same for everyone: a cache may keep them
PUBLIC_ENDPOINTS = frozenset({"notices.index", "notices.show"})
STATIC_ENDPOINTS = frozenset({"static", "bootstrap.static"})
BIGGEST_ID = 2 ** 63 - 1  # a BIGINT; ids are INTEGER but a query for a bigger one just finds nothing
HUGE_INTEGER = re.compile(r"\s*[+-]?0*[0-9]{19,}\s*\Z")


class BoundedIntegerConverter(IntegerConverter):
    """``<int:...>`` up to a BIGINT: a longer number does not match the route (a 404)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", BIGGEST_ID)
        super().__init__(map, *args, **kwargs)


class JSONProvider(DefaultJSONProvider):
    """A body nested too deep for the parser is malformed JSON (a ValueError), not a crash."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deep") from None


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.json = JSONProvider(app)
    app.before_request(_refuse_huge_integers)
    app.after_request(add_headers)


def _refuse_huge_integers():
    """A query string or form value that is a whole integer wider than a BIGINT is refused (a
    400): every ``request.args.get(..., type=int)`` or ``int(request.form[...])`` can then go to
    the database or a timedelta as it is. (No text field of examsite holds 19 digits and nothing
    else; a 身份证号 has 18.)"""
    sources = [request.args]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        sources.append(request.form)
    for source in sources:
        for values in source.listvalues():
            for value in values:
                if len(value) < 200 and HUGE_INTEGER.match(value):
                    abort(400)


def cache_allowed() -> bool:
    """Static files, and public pages for someone not logged in."""
    endpoint = request.endpoint
    if endpoint in STATIC_ENDPOINTS:
        return True
    if endpoint in PUBLIC_ENDPOINTS:
        from flask_login import current_user

        return not current_user.is_authenticated
    return False


def add_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    attachment = "attachment" in (response.headers.get("Content-Disposition") or "")
    if attachment or not cache_allowed():
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
    return response


def behind_proxies(app: Flask):
    """The outermost WSGI layer: ProxyFix for the trusted proxies, Secure cookies over HTTPS,
    and the fixed headers on responses made before Flask."""
    inner = SecureResponses(app.wsgi_app)
    count = int(app.config.get("TRUSTED_PROXIES", 0) or 0)
    if count:
        return ProxyFix(inner, x_for=count, x_proto=count, x_host=count, x_port=count, x_prefix=count)
    return inner


class SecureResponses:
    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        https = environ.get("wsgi.url_scheme") == "https"

        def start(status, headers, exc_info=None):
            names = {name.lower() for name, _ in headers}
            if "x-content-type-options" not in names:  # not through Flask (the autosave gate's answer)
                headers = list(headers) + [(k, v) for k, v in HEADERS.items() if k.lower() not in names]
                if "cache-control" not in names:
                    headers.append(("Cache-Control", "no-store"))
            if https:
                headers = [(name, _secure(value) if name.lower() == "set-cookie" else value) for name, value in headers]
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        return self.wsgi_app(environ, start)


def _secure(cookie: str) -> str:
    attributes = {part.strip().split("=", 1)[0].lower() for part in cookie.split(";")[1:]}
    return cookie if "secure" in attributes else cookie + "; Secure"
