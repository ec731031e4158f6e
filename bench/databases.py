"""The databases a benchmark runs on: a temporary SQLite file, a temporary PostgreSQL server
(with PostgreSQL's default durability: every commit is flushed to disk)."""
import tempfile
from collections.abc import Iterator

from tests.support.postgres import TemporaryPostgres, find_bin_dir


def each_database(names: str) -> Iterator[tuple[str, str]]:
    """(label, SQLAlchemy URL) for each of the comma-separated ``names`` (sqlite, postgresql),
    each removed again when the caller moves on."""
    for name in names.split(","):
        if name == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                yield "SQLite", f"sqlite:///{folder}/bench.sqlite3"
        elif name == "postgresql":
            bin_dir = find_bin_dir()
            if bin_dir is None:
                print("\n== PostgreSQL: not found (install Debian's postgresql), skipped")
                continue
            server = TemporaryPostgres(bin_dir, durable=True).start()  # as in production: commits are flushed
            try:
                yield "PostgreSQL", server.url
            finally:
                server.stop()
