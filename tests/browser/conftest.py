"""A real browser: Debian's chromium driven by Playwright, against the app served on loopback."""
import threading

import pytest
from werkzeug.serving import make_server

from ..conftest import CHROMIUM_ARGS, find_chromium  # noqa: F401 (the browser fixture is in tests/conftest.py)

def _read_whole(file, buffer_size=8192):
    """A wsgi.file_wrapper that reads the file at once and closes it. Werkzeug's development
    server skips closing a response when the browser drops the connection while it drains the
    request, and a file left open then surfaces, at garbage collection, as a ResourceWarning in
    whichever test runs next."""
    with file:
        return [file.read()]


@pytest.fixture
def live_server(app):
    """The test app on a free loopback port, in a thread of this process."""
    def served(environ, start_response):
        environ["wsgi.file_wrapper"] = _read_whole
        return app(environ, start_response)

    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()

