"""Where a benchmark phase's time goes: CPU seconds of each group of processes (app servers,
PostgreSQL, nginx, the drivers) and of the whole machine, and PostgreSQL's own counters (commits,
WAL bytes, WAL flushes)."""
from dataclasses import dataclass

import psutil


def tree_seconds(pid: int) -> float:
    """CPU seconds (user + system) of a process and all its descendants, living or reaped."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


def machine_busy() -> float:
    """CPU seconds all cores have spent not idle since boot."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


class Meter:
    """CPU seconds per named group of process trees, between two readings."""

    def __init__(self, groups: dict[str, list[int]]):
        self.groups = groups

    def read(self) -> dict[str, float]:
        reading = {name: sum(tree_seconds(pid) for pid in pids) for name, pids in self.groups.items()}
        reading["machine"] = machine_busy()
        return reading

    @staticmethod
    def spent(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
        return {name: after[name] - before[name] for name in after}


@dataclass
class PostgresCounters:
    commits: int
    wal_bytes: int
    wal_syncs: int


class Postgres:
    """The benchmark's PostgreSQL server, seen from a connection of its own."""

    def __init__(self, url: str):
        import psycopg

        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        self.conn = psycopg.connect(dsn, autocommit=True)
        backend = self.conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        self.postmaster = psutil.Process(backend).ppid()

    def counters(self) -> PostgresCounters:
        self.conn.execute("SELECT pg_stat_clear_snapshot()")
        commits = self.conn.execute(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()").fetchone()[0]
        wal = self.conn.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')").fetchone()[0]
        syncs = self.conn.execute("SELECT wal_sync FROM pg_stat_wal").fetchone()[0]
        return PostgresCounters(int(commits), int(wal), int(syncs))

    def close(self) -> None:
        self.conn.close()
