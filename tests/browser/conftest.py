"""A real browser: Debian's chromium driven by Playwright, against the app served on loopback."""
import threading

import pytest
from werkzeug.serving import make_server

from ..conftest import CHROMIUM_ARGS, find_chromium  # noqa: F401 (the browser fixture is in tests/conftest.py)

@pytest.fixture
def live_server(app):
    """The test app on a free loopback port, in a thread of this process."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
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

