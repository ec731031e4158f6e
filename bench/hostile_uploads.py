"""Benchmark: how long each hostile upload takes to be refused, and the memory it costs.

    .venv/bin/python bench/hostile_uploads.py

Each file (made by tests/test_hostile_uploads.py) is read in a fresh process, so that the peak
resident memory printed is that file's alone. Targets: refused within about 20 s and 300 MB.
"""
import multiprocessing
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.test_hostile_uploads import HOSTILE, refusal  # noqa: E402


def one(label: str, filename: str, queue) -> None:
    data = HOSTILE[label][0]()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    message = refusal(filename, data)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((len(data), seconds, before / 1024, peak / 1024, message))


def main() -> None:
    context = multiprocessing.get_context("spawn")
    print("| 文件 | 上传为 | 大小 | 用时 | 峰值 RSS（读前） | 回复 |")
    print("| --- | --- | --- | --- | --- | --- |")
    for label, (_, names) in HOSTILE.items():
        for filename in names:
            queue = context.Queue()
            process = context.Process(target=one, args=(label, filename, queue))
            process.start()
            size, seconds, before, peak, message = queue.get(timeout=600)
            process.join()
            print(f"| {label} | {filename} | {size / 1024:,.0f} KB | {seconds:.2f} s | {peak:.0f} MB（{before:.0f} MB） "
                  f"| {message[:40] or '（读入了）'} |", flush=True)


if __name__ == "__main__":
    main()
