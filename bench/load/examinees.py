"""The examinees of the exam-load benchmark, played on one asyncio event loop per driver process.

Each examinee is a coroutine with its own kept-alive connection (as each browser has its own),
its own cookies, and a record of every request it sends: (kind, sent at, seconds taken). A
thread per examinee would have the driver compete with the server for the same two cores; one
event loop holds thousands of idle connections at almost no cost.
"""
import asyncio
import json
import random
import time
from dataclasses import dataclass, field

import aiohttp

PASSWORD = "bench-password-1"
from tests.support.pages import ATTEMPT, FORM, OPTION, QUESTION, SAVE_TOKEN, TOKEN


@dataclass
class Record:
    """What one driver process measured: per kind of request, (sent at, took) pairs; errors."""
    timings: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    acknowledged: int = 0

    def add(self, kind: str, sent: float, took: float) -> None:
        self.timings.setdefault(kind, []).append((sent, took))


class Examinee:
    """One person at one browser: a connection of his own, his cookies, where he is in the test."""

    def __init__(self, number: int, base: str, exam_id: int, record: Record, timeout: float, code: str | None = None):
        self.number, self.base, self.exam_id, self.record, self.code = number, base, exam_id, record, code
        # limit=1: one connection, kept alive between requests, as a browser tab does
        self.http = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=1, force_close=False, enable_cleanup_closed=False),
            cookie_jar=aiohttp.DummyCookieJar(), timeout=aiohttp.ClientTimeout(total=timeout))
        self.cookies: dict[str, str] = {}
        self.token: str | None = None
        self.attempt: str | None = None
        self.save_token = ""
        self.questions: list[tuple[str, list[str]]] = []

    async def request(self, kind: str, method: str, path: str, body: str | None = None,
                      headers: dict | None = None) -> tuple[int, str, str]:
        """(status, body, Location); status 0 when the request failed (recorded as an error)."""
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        sent = time.monotonic()
        try:
            async with self.http.request(method, self.base + path, data=body, headers=headers,
                                         allow_redirects=False) as response:
                text = await response.text()
                for cookie in response.headers.getall("Set-Cookie", ()):
                    name, _, rest = cookie.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
                status, location = response.status, response.headers.get("Location", "")
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            self.record.errors.append(f"{kind}: {type(error).__name__} {error}"[:120])
            return 0, "", ""
        self.record.add(kind, sent, time.monotonic() - sent)
        return status, text, location

    async def log_in(self) -> None:
        """Open the login page, log in (or enter with the slip's code), open the test's start
        page (before the test begins)."""
        entrance = "/code" if self.code else "/login"
        status, page, _ = await self.request("login page", "GET", entrance)
        if status != 200:
            return self.record.errors.append(f"login page {status}")
        token = TOKEN.search(page).group(1)
        form = (f"staff_no=B{self.number:05d}&code={self.code}&csrf_token={token}" if self.code
                else f"username=B{self.number:05d}&password={PASSWORD}&csrf_token={token}")
        status, _, _ = await self.request("login", "POST", entrance, form, FORM)
        if status != 302:
            return self.record.errors.append(f"login {status}")
        status, page, _ = await self.request("start page", "GET", f"/my/exams/{self.exam_id}")
        found = TOKEN.search(page) if status == 200 else None
        if found is None:
            return self.record.errors.append(f"start page {status}")
        self.token = found.group(1)

    async def start(self, at: float) -> None:
        """Press 开始答题 at monotonic time ``at``: the answer is the test page."""
        if self.token is None:
            return
        await asyncio.sleep(max(0.0, at - time.monotonic()))
        status, page, location = await self.request("start", "POST", f"/my/exams/{self.exam_id}/start",
                                                    f"csrf_token={self.token}", FORM)
        if status == 302 and "/my/attempts/" in location:  # an examsite that redirects to the test page
            status, page, _ = await self.request("paper", "GET", location[location.index("/my/"):])
        found = ATTEMPT.search(page) if status == 200 else None
        if found is None:
            return self.record.errors.append(f"start {status}")
        self.attempt = found.group(1)
        self.save_token = SAVE_TOKEN.search(page).group(1)
        options: dict[str, list[str]] = {}
        for question, value in OPTION.findall(page):
            options.setdefault(question, []).append(value)
        self.questions = [(question, options[question]) for question in QUESTION.findall(page)]

    async def answer(self, pace: tuple[float, float], deadline: float, count: int) -> None:
        """Save the first ``count`` answers, one request at a time. ``pace``: seconds between answers, drawn
        from that range ((0, 0): as fast as the server answers); the first comes after a pause
        drawn from the same range, so that paced examinees do not answer in step."""
        if self.attempt is None:
            return
        rng = random.Random(self.number)
        writer = f"bench{self.number:05d}"  # take.js: random for each page load; its changes counted from 1
        if pace[1]:
            await asyncio.sleep(rng.uniform(0, pace[1]))
        for seq, (question, values) in enumerate(self.questions[:count], start=1):
            if time.monotonic() > deadline:
                return self.record.errors.append("time limit reached")
            if seq > 1 and pace[1]:
                await asyncio.sleep(rng.uniform(*pace))
            payload = json.dumps({"question": int(question), "response": rng.choice(values), "seq": seq,
                                  "writer": writer})
            status, data, _ = await self.request("save", "POST", f"/my/attempts/{self.attempt}/answers", payload,
                                                 {"Content-Type": "application/json", "X-Save-Token": self.save_token})
            if status == 200 and '"saved":true' in data.replace(" ", ""):
                self.record.acknowledged += 1
            else:
                self.record.errors.append(f"save {status} {data[:80]}")

    async def submit(self) -> None:
        if self.attempt is None:
            return
        status, _, _ = await self.request("submit", "POST", f"/my/attempts/{self.attempt}/submit",
                                          f"csrf_token={self.token}", FORM)
        if status != 302:
            self.record.errors.append(f"submit {status}")

    async def trivial(self, count: int) -> None:
        """The ceiling: ``count`` requests for /livez (no database) on the same connection."""
        for _ in range(count):
            await self.request("livez", "GET", "/livez")

    async def close(self) -> None:
        await self.http.close()
