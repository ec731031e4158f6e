"""Driver processes: each plays a share of the examinees on its own event loop and runs the phases
the coordinator sends it one at a time, so the coordinator can read the CPU meters between them.

    coordinator → driver: (phase, options)      driver → coordinator: Record
"""
import asyncio
import multiprocessing
import time

from .examinees import Examinee, Record


async def _phase(examinees: list[Examinee], phase: str, options: dict) -> None:
    if phase == "login":
        gate = asyncio.Semaphore(options["concurrency"])  # people arrive over time, not in one instant

        async def one(examinee):
            async with gate:
                await examinee.log_in()
        await asyncio.gather(*(one(e) for e in examinees))
    elif phase == "start":
        begin, spread, total = options["begin"], options["spread"], options["total"]
        await asyncio.gather(*(e.start(begin + spread * e.number / total) for e in examinees))
    elif phase == "answer":
        await asyncio.gather(*(e.answer(options["pace"], options["deadline"], options["count"]) for e in examinees))
    elif phase == "submit":
        await asyncio.gather(*(e.submit() for e in examinees))
    elif phase == "ceiling":
        await asyncio.gather(*(e.trivial(options["count"]) for e in examinees))
    else:
        raise ValueError(phase)


async def _serve(pipe, numbers: list[tuple[int, str | None]], base: str, exam_id: int, timeout: float) -> None:
    loop = asyncio.get_running_loop()
    examinees = [Examinee(n, base, exam_id, Record(), timeout, code) for n, code in numbers]
    try:
        while True:
            phase, options = await loop.run_in_executor(None, pipe.recv)
            if phase == "stop":
                break
            record = Record()
            for examinee in examinees:
                examinee.record = record
            try:
                await _phase(examinees, phase, options)
            except Exception as error:  # reported, never a hung coordinator
                record.errors.append(f"driver failed in {phase}: {error!r}")
            pipe.send(record)
    finally:
        await asyncio.gather(*(e.close() for e in examinees))


def _main(pipe, numbers, base, exam_id, timeout) -> None:
    try:
        import uvloop
        uvloop.install()
    except ImportError:  # the standard loop does the same, with a little more CPU
        pass
    asyncio.run(_serve(pipe, numbers, base, exam_id, timeout))


class Drivers:
    """``count`` driver processes sharing the examinees (number n goes to n % count); ``codes``
    has each examinee's one-time code, or None where he logs in with the password."""

    def __init__(self, count: int, codes: list[str | None], base: str, exam_id: int, timeout: float):
        context = multiprocessing.get_context("spawn")  # no copy of the coordinator's app or connections
        self.pipes, self.processes = [], []
        for d in range(count):
            ours, theirs = context.Pipe()
            process = context.Process(target=_main, args=(theirs, list(enumerate(codes))[d::count], base, exam_id,
                                                          timeout), daemon=True)
            process.start()
            self.pipes.append(ours)
            self.processes.append(process)
        self.timeout = timeout

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.processes]

    def run(self, phase: str, **options) -> tuple[Record, float]:
        """Run one phase in every driver; (their records merged, wall seconds)."""
        begin = time.monotonic()
        for pipe in self.pipes:
            pipe.send((phase, options))
        merged = Record()
        for pipe in self.pipes:
            if not pipe.poll(self.timeout + 120):
                raise RuntimeError(f"a driver did not finish {phase}")
            record = pipe.recv()
            for kind, values in record.timings.items():
                merged.timings.setdefault(kind, []).extend(values)
            merged.errors += record.errors
            merged.acknowledged += record.acknowledged
        return merged, time.monotonic() - begin

    def stop(self) -> None:
        for pipe in self.pipes:
            pipe.send(("stop", {}))
        for process in self.processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
