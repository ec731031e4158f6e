"""Configuration, read from the environment only.

EXAMSITE_ENV            development | production (default production)
EXAMSITE_SECRET_KEY     required in production; development keeps one in instance/
EXAMSITE_DATABASE_URL   SQLAlchemy URL; default SQLite under instance/
EXAMSITE_UPLOAD_LIMIT_MB  largest upload accepted (default 20)
EXAMSITE_GRACE_SECONDS  how long after a deadline answers given in time are still stored (default 120)
EXAMSITE_DB_CONNECT_TIMEOUT     seconds to wait for a new PostgreSQL connection (default 5)
EXAMSITE_DB_STATEMENT_TIMEOUT   seconds one PostgreSQL statement may run (default 30)
EXAMSITE_DB_LOCK_TIMEOUT        seconds a PostgreSQL statement may wait for a lock (default 10)
EXAMSITE_DB_POOL_TIMEOUT        seconds a request waits for a free pooled connection (default 10)
EXAMSITE_TRUSTED_PROXIES  how many reverse proxies (nginx) stand in front and set X-Forwarded-For/-Proto/
                        -Host/-Port/-Prefix (default 0: none, those headers are ignored). Behind one nginx
                        that terminates TLS set 1: a request that came over HTTPS then sends every cookie
                        Secure and Flask-WTF checks its referrer
EXAMSITE_SECURE_COOKIES   1: cookies are always Secure, whatever the scheme the request seems to have
"""
import os
import secrets
from datetime import timedelta
from pathlib import Path


class ConfigError(RuntimeError):
    pass


def _sqlite_default(instance_path: str) -> str:
    return "sqlite:///" + str(Path(instance_path) / "examsite.sqlite3")


def _development_secret(instance_path: str) -> str:
    """A random key kept in instance/ so development sessions survive restarts."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def normalise_database_url(url: str) -> str:
    """Let a plain postgresql:// URL use psycopg 3, the driver examsite ships."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def from_environment(instance_path: str, secret: str | None = None) -> dict:
    """Settings from the environment; ``secret`` (from tests) stands in for EXAMSITE_SECRET_KEY."""
    env = os.environ.get("EXAMSITE_ENV", "production")
    Path(instance_path).mkdir(parents=True, exist_ok=True)
    secret = secret or os.environ.get("EXAMSITE_SECRET_KEY")
    if not secret:
        if env != "development":
            raise ConfigError(
                "EXAMSITE_SECRET_KEY is not set. Set it to a long random string "
                "(python -c 'import secrets; print(secrets.token_hex(32))'), "
                "or set EXAMSITE_ENV=development on a development machine."
            )
        secret = _development_secret(instance_path)
    upload_mb = int(os.environ.get("EXAMSITE_UPLOAD_LIMIT_MB", "20"))
    proxies = os.environ.get("EXAMSITE_TRUSTED_PROXIES", "0").strip() or "0"
    if not proxies.isdigit() or int(proxies) > 10:
        raise ConfigError(f"EXAMSITE_TRUSTED_PROXIES must be the number of proxies in front (0 to 10), not {proxies!r}.")
    return {
        "ENV_NAME": env,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(
            os.environ.get("EXAMSITE_DATABASE_URL") or _sqlite_default(instance_path)
        ),
        "MAX_CONTENT_LENGTH": upload_mb * 1024 * 1024,
        "UPLOAD_LIMIT_MB": upload_mb,
        "BOOTSTRAP_SERVE_LOCAL": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("EXAMSITE_SECURE_COOKIES") == "1",
        "REMEMBER_COOKIE_SECURE": os.environ.get("EXAMSITE_SECURE_COOKIES") == "1",
        "TRUSTED_PROXIES": int(proxies),  # examsite/security.py: ProxyFix, and Secure cookies over HTTPS
        "WTF_I18N_ENABLED": False,  # forms take their Chinese messages from WTForms' own catalogue
        "WTF_CSRF_TIME_LIMIT": None,  # a test may last hours; the token lives with the session
        "ROSTER_PAGE_SIZE": 50,
        "EXAMS_PAGE_SIZE": 50,
        # printed on login slips: the address staff reach the site by, not the admin's browser's
        "BASE_URL": os.environ.get("EXAMSITE_BASE_URL", "").strip().rstrip("/"),
        # "在这台电脑上保持登录" lasts a week, not Flask-Login's year; it ends at logout anyway
        "REMEMBER_COOKIE_DURATION": timedelta(days=7),
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_LOCK_MINUTES": 15,
        # answers given before the deadline may arrive late over a weak network: they are stored
        # for this long after it, and the deadline closes an attempt only once it is over
        "SAVE_GRACE_SECONDS": int(os.environ.get("EXAMSITE_GRACE_SECONDS", "120")),
        # a database that hangs (a lock held, a server overloaded or gone) makes requests fail
        # fast with 503 and 数据库暂时无法访问 instead of hanging (extensions.engine_defaults())
        "DB_CONNECT_TIMEOUT": _seconds("EXAMSITE_DB_CONNECT_TIMEOUT", 5),
        "DB_STATEMENT_TIMEOUT": _seconds("EXAMSITE_DB_STATEMENT_TIMEOUT", 30),
        "DB_LOCK_TIMEOUT": _seconds("EXAMSITE_DB_LOCK_TIMEOUT", 10),
        "DB_POOL_TIMEOUT": _seconds("EXAMSITE_DB_POOL_TIMEOUT", 10),
    }


def _seconds(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, not {value!r}") from None
    if seconds <= 0:
        raise ConfigError(f"{name} must be more than 0 seconds")
    return seconds


def engine_options(url, config) -> dict:
    """Engine options for the database at ``url`` (an SQLAlchemy URL): the timeouts above.

    PostgreSQL: libpq's connect_timeout, and statement_timeout and lock_timeout set for every
    connection at its start (the server enforces them; a statement over them fails at once with
    an error the app answers as 503). SQLite waits for the write lock for its busy timeout
    (extensions.py) and has no statement timeout.
    """
    options: dict = {}
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return options  # one connection (StaticPool): nothing to wait for
    options["pool_timeout"] = config["DB_POOL_TIMEOUT"]
    if url.get_backend_name() == "postgresql":
        milliseconds = lambda seconds: int(seconds * 1000)  # noqa: E731
        options["connect_args"] = {
            "connect_timeout": max(1, round(config["DB_CONNECT_TIMEOUT"])),
            "options": f"-c statement_timeout={milliseconds(config['DB_STATEMENT_TIMEOUT'])}"
                       f" -c lock_timeout={milliseconds(config['DB_LOCK_TIMEOUT'])}",
        }
    return options
