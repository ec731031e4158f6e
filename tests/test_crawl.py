"""Every page each role can reach from the navigation opens, on a database with more rows than
every page size; and a liaison gets 403/404 for every page outside his units.

The database is the demo district (300 staff, 300 questions in five banks, last month's test
with some 270 attempts and a published notice) with more added: draws, an audit log of more
than a page, a test for another town, people answering now.
"""
import re
from collections import deque
from html import unescape
from urllib.parse import urldefrag, urlsplit

import pytest
from sqlalchemy import select

from examsite.audit.services import record
from examsite.campaigns.access import banks_seen_by
from examsite.models import Attempt, Exam, ExamUnit, Staff, User
from examsite.roster.services import subtree_ids

from . import factories
from .conftest import AuthActions
from .factories import PASSWORD

LINK = re.compile(r'href="(/[^"]*)"')
SKIP = ("/static/", "/bootstrap/", "/logout")
PER_SHAPE = 12  # real ids of each kind of page: a dozen of each reach every kind of test in the demo
LIMIT = 500  # pages per role at most


def _shape(url: str) -> str:
    path, _, query = url.partition("?")
    keys = sorted(part.split("=", 1)[0] for part in query.split("&") if part)
    return re.sub(r"/\d+", "/{id}", path) + ("?" + "&".join(keys) if keys else "")


def crawl(client, start: str = "/home") -> dict[str, int]:
    """Status of every GET page reachable by links from ``start``, a few of each shape."""
    seen: dict[str, int] = {}
    shapes: dict[str, int] = {}
    queue = deque([start])
    while queue and len(seen) < LIMIT:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code != 200 or not response.mimetype.startswith("text/html"):
            continue
        for found in LINK.findall(response.get_data(as_text=True)):
            link = urldefrag(unescape(found))[0]
            if not link or link.startswith(SKIP) or urlsplit(link).netloc or link in seen:
                continue
            shape = _shape(link)
            if shapes.get(shape, 0) >= PER_SHAPE:
                continue
            shapes[shape] = shapes.get(shape, 0) + 1
            queue.append(link)
    return seen


@pytest.fixture
def district(db, runner, app):
    """The demo district, and more rows than every page size."""
    app.config["EXAMS_PAGE_SIZE"] = 5  # the demo's tests are fewer than a real page of them
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    from examsite.sampling import services as sampling, slips

    admin = db.session.scalar(select(User).where(User.username == "admin"))
    spot = factories.exam(title="警示教育抽测", mode="sample", tiers=("县处级", "乡科级", "一般干部"))
    for seed in ("1", "2"):
        made = sampling.make_draw(sampling.DrawRequest(size=12, seed=seed), admin)
    slips.assign(made, spot, admin)
    east = factories.exam(title="东岗镇自测", tiers=("一般干部",))
    db.session.add(ExamUnit(exam_id=east.id, unit_id=factories.unit("城南区/东岗镇").id))
    for n in range(60):
        record("demo.load", f"第 {n} 条记录", user=admin)
    db.session.commit()
    for username in ("admin", "liaison", "CN0001"):
        db.session.scalar(select(User).where(User.username == username)).set_password(PASSWORD)
    db.session.commit()
    # people answering now, in the liaison's town and outside it
    open_exam = db.session.scalar(select(Exam).where(Exam.title == "演示：纪法知识测试（进行中）")) or \
        db.session.scalar(select(Exam).where(Exam.mode == "all").order_by(Exam.closes_at.desc()))
    for person in db.session.scalars(select(Staff).order_by(Staff.staff_no).limit(40)):
        factories.sit(open_exam, person, submit=False)
    return {"east": east, "spot": spot}


def _login(app, username: str) -> AuthActions:
    actor = AuthActions(app.test_client())
    assert actor.login(username, PASSWORD).status_code == 302, username
    return actor


def test_every_page_of_every_role_opens_and_a_liaison_stays_in_his_units(district, app, db):
    pages = {role: crawl(_login(app, role).client, "/my/" if role == "CN0001" else "/home")
             for role in ("admin", "liaison", "CN0001")}
    for role, seen in pages.items():
        broken = {url: status for url, status in seen.items() if status >= 500}
        assert not broken, (role, broken)
    admin = pages["admin"]
    # the crawl went past the first page of every long list
    for paged in ("/roster/?page=2", "/accounts/?page=2", "/audit/?page=2", "/exams/?page=2"):
        assert admin.get(paged) == 200, paged
    assert any(re.fullmatch(r"/banks/\d+\?page=2", url) for url in admin), "a bank's second page"
    assert any(re.fullmatch(r"/exams/\d+/attempts\?page=2", url) for url in admin), "a test's second page of attempts"
    for page in (r"/campaigns/\d+", r"/campaigns/\d+/units/\d+", r"/campaigns/\d+/units/\d+/report",
                 r"/exams/\d+/makeup", r"/campaigns/\d+/edit"):
        assert any(re.fullmatch(page, url) for url in admin), page
    assert any(re.fullmatch(r"/campaigns/\d+/units/\d+/report", url) for url in pages["liaison"])
    assert len(admin) > 60 and len(pages["liaison"]) > 15 and len(pages["CN0001"]) > 3

    liaison_user = db.session.scalar(select(User).where(User.username == "liaison"))
    within = subtree_ids(liaison_user.unit_id)
    liaison = _login(app, "liaison")
    east = district["east"].id
    seen_banks = set(banks_seen_by(liaison_user))
    for url in admin:
        status = liaison.client.get(url).status_code
        assert status < 500, url
        if url in pages["liaison"]:
            continue
        attempt = re.fullmatch(r"/exams/attempt/(\d+)", url)
        account = re.fullmatch(r"/accounts/(\d+)", url)
        bank = re.fullmatch(r"/banks/(\d+)(\?.*)?", url)
        if attempt:
            staff = db.session.get(Attempt, int(attempt.group(1))).staff
            if staff.unit_id not in within:
                assert status in (403, 404), url
        elif account:
            user = db.session.get(User, int(account.group(1)))
            if user.role != "examinee" or user.staff is None or user.staff.unit_id not in within:
                assert status in (403, 404), url
        elif url.startswith(f"/exams/{east}"):
            assert status in (403, 404), url
        elif url.split("?")[0] in ("/banks/", "/banks/upload", "/banks/questions"):
            assert status == 200, url  # the campaigns' banks (read-only) and his units' own
        elif url.startswith("/exams/new?campaign="):
            assert status in (200, 404), url  # a test of a campaign unit he organises, or nothing
        elif bank and int(bank.group(1)) in seen_banks:
            assert status == 200, url  # a bank of a campaign his units take part in, read-only
        elif url.startswith(("/banks", "/campaigns")) or re.match(r"/exams/\d+/(edit|plan|makeup)", url):
            assert status in (403, 404), url  # the district's banks, other units' campaign pages and tests
        elif url.startswith(("/draws", "/audit", "/roster/units", "/roster/tiers", "/roster/ranks",
                             "/roster/upload", "/notices/manage", "/accounts/new", "/exams/new")):
            assert status == 403, url
    # an examinee gets none of the admin's pages
    examinee = _login(app, "CN0001")
    for url in admin:
        if url in pages["CN0001"] or url.startswith(("/notices/", "/home", "/my/", "/password")):
            continue
        assert examinee.client.get(url).status_code in (302, 403, 404), url
