"""Servers as production runs them, for the tests: gunicorn with deploy/gunicorn.conf.py, and
Debian's nginx with deploy/nginx/examsite.conf, rendered into a temporary directory.

The rendering changes only what a test must: the listening port, the upstream servers, the
checkout's path, and (when asked) some timeouts; every substitution must match once, so a site
file that drifted from what the tests know fails loudly here. nginx runs in the foreground
(``daemon off``) with its pid file, logs and temp directories in that directory; as root its
workers stay root (the temp directory and the checkout need not be readable by ``nobody``).
Loopback only.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SITE = ROOT / "deploy" / "nginx" / "examsite.conf"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
PRODUCTION_ROOT = "/srv/examsite/"


def find_nginx() -> str | None:
    for candidate in (shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited ({process.returncode}):\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listening on port {port} after {seconds} s:\n{log.read_text(errors='replace')[-3000:]}")


def _replace(text: str, pattern: str, replacement: str, count: int = 1) -> str:
    new, found = re.subn(pattern, replacement, text, flags=re.MULTILINE)
    if found != count:
        raise AssertionError(f"{SITE.name}: expected {count} match(es) of {pattern!r}, found {found}")
    return new


def site_directive(name: str) -> str:
    """The value of a directive in the shipped site file (first occurrence)."""
    match = re.search(rf"^\s*{re.escape(name)}\s+([^;]+);", SITE.read_text(), flags=re.MULTILINE)
    if match is None:
        raise AssertionError(f"{SITE.name} has no {name}")
    return match.group(1).strip()


def render_site(port: int, upstreams: list[int], timeouts: dict[str, str] | None = None) -> str:
    """deploy/nginx/examsite.conf on ``127.0.0.1:port``, proxying to gunicorn on ``upstreams``."""
    text = SITE.read_text()
    text = _replace(text, r"^(\s*)listen 80;$", rf"\1listen 127.0.0.1:{port};")
    text = _replace(text, r"^\s*listen \[::\]:80;\n", "")
    servers = "".join(f"    server 127.0.0.1:{upstream} max_fails=3 fail_timeout=10s;\n" for upstream in upstreams)
    text = _replace(text, r"^\s*server 127\.0\.0\.1:8000 [^\n]*\n", servers)
    text = text.replace(PRODUCTION_ROOT, str(ROOT) + "/")
    for directive, value in (timeouts or {}).items():
        text = _replace(text, rf"^(\s*){re.escape(directive)} [^;]+;", rf"\g<1>{directive} {value};")
    return text


class TemporaryNginx:
    def __init__(self, upstreams: list[int], timeouts: dict[str, str] | None = None, worker_connections: int = 1024):
        self.binary = find_nginx()
        if self.binary is None:
            raise RuntimeError("nginx not found")
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="examsite-nginx-"))
        self.error_log = self.root / "error.log"
        self.access_log = self.root / "access.log"
        (self.root / "examsite.conf").write_text(render_site(self.port, upstreams, timeouts))
        temp_paths = "".join(f"    {kind}_temp_path {self.root / kind};\n"
                             for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (self.root / "nginx.conf").write_text(
            ("user root;\n" if os.geteuid() == 0 else "")
            + "daemon off;\nworker_processes 1;\n"
            f"pid {self.root / 'nginx.pid'};\n"
            f"error_log {self.error_log} info;\n"
            f"events {{ worker_connections {worker_connections}; }}\n"
            "http {\n"
            "    include /etc/nginx/mime.types;\n"
            "    default_type application/octet-stream;\n"
            f"    access_log {self.access_log};\n"
            + temp_paths
            + f"    include {self.root / 'examsite.conf'};\n"
            "}\n")
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "TemporaryNginx":
        command = [self.binary, "-p", str(self.root), "-c", str(self.root / "nginx.conf"), "-e", str(self.error_log)]
        checked = subprocess.run([*command, "-t"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if checked.returncode != 0:
            raise RuntimeError(f"nginx -t refused the rendered site:\n{checked.stdout}")
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        start_new_session=True)
        wait_for_port(self.port, self.process, self.error_log)
        return self

    def stop(self) -> None:
        try:
            if self.process is not None and self.process.poll() is None:
                self.process.send_signal(signal.SIGQUIT)  # graceful: workers finish, then exit
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(self.process.pid, signal.SIGKILL)
                    self.process.wait(timeout=10)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


class AppServer:
    """gunicorn serving wsgi:app with deploy/gunicorn.conf.py on a free loopback port.

    ``options``: more gunicorn flags (they win over the config file); ``env``: more environment;
    ``without_dac_override``: as root, run without CAP_DAC_OVERRIDE (via setpriv), so that file
    modes bind it as they bind the unprivileged user production runs the app as.
    """

    def __init__(self, database_url: str, options: tuple[str, ...] = ("-w", "1"), env: dict | None = None,
                 without_dac_override: bool = False):
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="examsite-gunicorn-"))
        self.access_log = self.root / "access.log"
        self.error_log = self.root / "error.log"
        self.command = [str(ROOT / ".venv/bin/gunicorn"), "-c", str(GUNICORN_CONF), "-b", f"127.0.0.1:{self.port}",
                        "--access-logfile", str(self.access_log), "--error-logfile", str(self.error_log),
                        *options, "wsgi:app"]
        if without_dac_override and os.geteuid() == 0:
            self.command = ["setpriv", "--inh-caps=-dac_override,-dac_read_search",
                            "--bounding-set=-dac_override,-dac_read_search", "--", *self.command]
        self.env = dict(os.environ, EXAMSITE_DATABASE_URL=database_url, EXAMSITE_SECRET_KEY="deploy-test-secret",
                        EXAMSITE_ENV="production", **(env or {}))
        self.env.pop("EXAMSITE_BIND", None)
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "AppServer":
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True)
        wait_for_port(self.port, self.process, self.error_log, seconds=30)
        return self

    def requests_logged(self) -> list[str]:
        """The request lines of gunicorn's access log ("POST /path HTTP/1.0")."""
        if not self.access_log.exists():
            return []
        return re.findall(r'"([A-Z]+ [^"]+)"', self.access_log.read_text())

    def stop(self) -> None:
        try:
            if self.process is not None and self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGTERM)
                try:
                    self.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(self.process.pid, signal.SIGKILL)
                    self.process.wait(timeout=10)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
