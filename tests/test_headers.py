"""Security headers on every page of the whole app (the crawl of tests/test_crawl.py), no inline
script anywhere, no-store on personal pages and downloads, and Secure cookies behind an HTTPS proxy."""
import re

from sqlalchemy import select

from examsite import create_app
from examsite.models import Notice
from examsite.security import CSP

from .test_crawl import _login, crawl, district  # noqa: F401  (district is a fixture)

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
FIXED = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class Recording:
    """A test client that keeps every response crawl() receives."""

    def __init__(self, client):
        self.client = client
        self.responses = {}

    def get(self, url, **kwargs):
        response = self.client.get(url, **kwargs)
        self.responses[url] = response
        return response


def _check_page(url, response):
    for name, value in FIXED.items():
        assert response.headers.get(name) == value, (url, name, response.headers.get(name))
    if response.mimetype == "text/html":
        html = response.get_data(as_text=True)
        assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html).group(0))
        assert not HANDLER.search(html), (url, HANDLER.search(html).group(0))


def test_the_policy_allows_no_inline_script():
    directives = dict(part.strip().split(" ", 1) for part in CSP.split(";"))
    assert directives["script-src"] == "'self'" and directives["default-src"] == "'self'"
    assert "unsafe" not in directives["style-src"] and "unsafe-eval" not in CSP
    assert directives["frame-ancestors"] == "'none'" and directives["base-uri"] == "'none'"
    assert directives["form-action"] == "'self'" and directives["img-src"] == "'self' data:"


def test_every_page_of_every_role_has_the_headers_and_no_inline_script(district, app, db):  # noqa: F811
    downloads = []
    for role in ("admin", "liaison", "CN0001"):
        recording = Recording(_login(app, role).client)
        seen = crawl(recording, "/my/" if role == "CN0001" else "/home")
        assert len(seen) > 3
        for url, response in recording.responses.items():
            _check_page(url, response)
            if response.status_code == 200:
                # everything a logged-in user opens is his: never kept by a cache
                assert response.headers.get("Cache-Control") == "no-store", (role, url)
            if response.headers.get("Content-Disposition", "").startswith("attachment"):
                downloads.append(url)
                assert response.headers.get("Cache-Control") == "no-store", url
    # the crawl reached the exports: results, the roster and a bank
    assert any(url.endswith("/results/export.xlsx") for url in downloads), downloads
    assert any(url.startswith("/roster/") for url in downloads), downloads
    assert any(url.startswith("/banks/") for url in downloads), downloads

    # someone not logged in: the public notices may be cached, the login page may not
    public = app.test_client()
    notice = db.session.scalar(select(Notice).where(Notice.withdrawn_at.is_(None)))
    pages = {url: public.get(url) for url in ("/notices/", f"/notices/{notice.slug}", "/login")}
    for url, response in pages.items():
        assert response.status_code == 200, url
        _check_page(url, response)
    assert "no-store" not in pages["/notices/"].headers.get("Cache-Control", "")
    assert "no-store" not in pages[f"/notices/{notice.slug}"].headers.get("Cache-Control", "")
    assert pages["/login"].headers["Cache-Control"] == "no-store"
    # the same notice seen by a logged-in admin carries his name in the menu: no-store
    admin = _login(app, "admin")
    assert admin.client.get(f"/notices/{notice.slug}").headers["Cache-Control"] == "no-store"


def test_static_files_may_be_cached_and_errors_have_the_headers(client):
    for url in ("/static/confirm.js", "/static/examsite.css"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" not in response.headers.get("Cache-Control", ""), url
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        response.close()
    missing = client.get("/no/such/page")
    assert missing.status_code == 404
    _check_page("/no/such/page", missing)
    assert missing.headers["Cache-Control"] == "no-store"


def _session_cookie(response) -> str:
    cookies = [value for value in response.headers.getlist("Set-Cookie") if value.startswith("session=")]
    assert cookies, response.headers
    return cookies[0]


def test_cookies_are_secure_when_the_trusted_proxy_says_https(database_url):
    config = {"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": database_url}
    behind = create_app(dict(config, TRUSTED_PROXIES=1)).test_client()
    over_https = behind.get("/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.1.2.3"})
    assert over_https.status_code == 200
    assert "; secure" in _session_cookie(over_https).lower()
    plain = behind.get("/login")
    assert "secure" not in _session_cookie(plain).lower()

    # with no trusted proxy (the default) the header is anybody's word and is ignored
    direct = create_app(config)
    assert direct.config["TRUSTED_PROXIES"] == 0
    response = direct.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "secure" not in _session_cookie(response).lower()
    # a real HTTPS request, though, gets Secure cookies with no setting at all
    response = direct.test_client().get("/login", base_url="https://localhost")
    assert "; secure" in _session_cookie(response).lower()
    # and EXAMSITE_SECURE_COOKIES=1 (SESSION_COOKIE_SECURE) makes them Secure always
    always = create_app(dict(config, SESSION_COOKIE_SECURE=True)).test_client().get("/login")
    assert "; secure" in _session_cookie(always).lower()


def test_a_bad_proxy_count_is_refused(monkeypatch, tmp_path):
    from examsite.config import ConfigError, from_environment

    monkeypatch.setenv("EXAMSITE_TRUSTED_PROXIES", "2")
    assert from_environment(str(tmp_path), "s")["TRUSTED_PROXIES"] == 2
    monkeypatch.setenv("EXAMSITE_TRUSTED_PROXIES", "yes")
    try:
        from_environment(str(tmp_path), "s")
    except ConfigError as error:
        assert "EXAMSITE_TRUSTED_PROXIES" in str(error)
    else:
        raise AssertionError("a proxy count that is not a number was accepted")
