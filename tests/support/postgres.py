"""A throwaway PostgreSQL server for the test run, started from the machine's own binaries.

Looks for initdb/pg_ctl on PATH, then under /usr/lib/postgresql/<version>/bin (Debian).
PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` user.
"""
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def find_bin_dir() -> Path | None:
    on_path = shutil.which("pg_ctl")
    if on_path and Path(on_path).resolve().with_name("initdb").exists():
        return Path(on_path).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
                      key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    return versions[-1].parent if versions else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TemporaryPostgres:
    """``durable``: commits reach the disk as on a production server (benchmarks); the tests
    leave that out for speed."""

    def __init__(self, bin_dir: Path, durable: bool = False):
        self.bin_dir = bin_dir
        self.durable = durable
        self.port = _free_port()
        self.root = Path(tempfile.mkdtemp(prefix="examsite-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.run_as = None
        if os.geteuid() == 0:
            try:
                self.run_as = pwd.getpwnam("postgres")
            except KeyError as error:
                raise RuntimeError("running as root and no 'postgres' user to run PostgreSQL as") from error
            os.chown(self.root, self.run_as.pw_uid, self.run_as.pw_gid)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://examsite@127.0.0.1:{self.port}/examsite_test"

    def _run(self, *args: str) -> None:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.run_as is not None:
            command = ["runuser", "-u", self.run_as.pw_name, "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def start(self) -> "TemporaryPostgres":
        self._run("initdb", "-D", str(self.data), "-U", "examsite", "--auth=trust",
                  "-E", "UTF8", "--locale=C")
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=200"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "start")
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=examsite dbname=postgres",
                             autocommit=True) as conn:
            conn.execute("CREATE DATABASE examsite_test")
        return self

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
