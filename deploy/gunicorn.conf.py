"""gunicorn settings for examsite in production, behind nginx (deploy/nginx/examsite.conf):

    .venv/bin/gunicorn -c deploy/gunicorn.conf.py wsgi:app

Each setting can be changed from the environment (/etc/examsite/examsite.env, read by
deploy/systemd/examsite.service); a command-line flag wins over both.

EXAMSITE_BIND            address to listen on (default 127.0.0.1:8000; another machine's nginx: 0.0.0.0:8000)
EXAMSITE_WORKERS         processes (default: 2 per CPU; measured best on 2 cores, README 性能)
EXAMSITE_THREADS         threads per process (default 4)
EXAMSITE_READ_TIMEOUT    seconds a request's headers or body may stall before the connection is dropped (15; 0: no limit)
EXAMSITE_ACCESS_LOG      access log file, "-" for standard output (journald under systemd)
EXAMSITE_FORWARDED_ALLOW_IPS  addresses of the nginx servers whose X-Forwarded-* headers are trusted
"""
import multiprocessing
import os

bind = os.environ.get("EXAMSITE_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("EXAMSITE_WORKERS") or multiprocessing.cpu_count() * 2)
threads = int(os.environ.get("EXAMSITE_THREADS") or 4)

# A worker whose main loop is silent this long is killed and replaced. (With gthread this is the
# worker's heartbeat, not a limit on one request: a request waiting on the database is bounded by
# the database timeouts in examsite/config.py instead, and answers 503.)
timeout = 60
graceful_timeout = 30  # on restart, requests under way get this long to finish
keepalive = 75  # longer than nginx's upstream keepalive, so nginx is the one that closes
backlog = 2048

# nginx answers on the address the examinee used; gunicorn trusts its X-Forwarded-Proto (HTTPS)
forwarded_allow_ips = os.environ.get("EXAMSITE_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

accesslog = os.environ.get("EXAMSITE_ACCESS_LOG", "-")
# client (nginx), the examinee's address as nginx saw it, request, status, bytes, milliseconds
access_log_format = '%(h)s %({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("EXAMSITE_LOG_LEVEL", "info")
proc_name = "examsite"
control_socket_disable = True  # gunicorn's control socket (in $HOME) is not used; systemd manages the server

# ---- a read timeout for gunicorn itself --------------------------------------------------------
# gunicorn's gthread worker reads a request on a blocking socket with no time limit: a client
# that sends half its headers or half its body and then goes silent holds one of the threads for
# as long as it likes, and `threads` such clients freeze the worker. nginx in front prevents
# that; this bounds it anyway (a misrouted client reaching gunicorn directly, a second port):
# each connection's socket gets a timeout before gunicorn reads from it, so a stalled read fails
# after READ_TIMEOUT seconds and the connection is closed.
READ_TIMEOUT = float(os.environ.get("EXAMSITE_READ_TIMEOUT") or 15)


def _bound_reads(log) -> None:
    try:
        from gunicorn.workers.gthread import TConn
    except ImportError:  # pragma: no cover - another gunicorn
        log.warning("examsite: gunicorn without gthread.TConn: no read timeout on client sockets")
        return
    if getattr(TConn.init, "examsite_bounded", False):
        return
    unbounded = TConn.init

    def init(self):
        unbounded(self)  # gunicorn sets the socket blocking (again) before every request
        self.sock.settimeout(READ_TIMEOUT)

    init.examsite_bounded = True
    TConn.init = init


def post_fork(server, worker):
    if READ_TIMEOUT > 0:
        _bound_reads(server.log)
