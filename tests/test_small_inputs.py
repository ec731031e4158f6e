"""Odd inputs are a 4xx, never a 500: deep JSON, integers too big for any column in paths, query
strings and forms, malformed multipart, huge form fields. Exports write text as text: a title
or name beginning with "=" is never a formula."""
import io
import json
import re
from datetime import datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import select

from examsite import clock
from examsite.banks.services import export_bank
from examsite.models import Bank, Question
from examsite.results import services as results
from examsite.results.export import write_workbook
from examsite.roster.services import roster_workbook
from examsite.sampling.slips import issue_slips, slips_workbook

from . import factories
from .conftest import AuthActions, csrf_from
from .factories import PASSWORD

START = datetime(2026, 6, 10, 1, 0)
HUGE = "99999999999999999999"
FORMULA = '=HYPERLINK("http://evil.example/","点这里")'


@pytest.fixture
def world(db, app):
    clock.freeze(START)
    factories.bank()
    exam = factories.exam(title=FORMULA, closes=START + timedelta(hours=2))
    person = factories.examinee("0001", name="=1+1")
    attempt = factories.sit(exam, person, right=("single",))
    factories.user("admin")
    db.session.commit()
    admin = AuthActions(app.test_client())
    assert admin.login("admin", PASSWORD).status_code == 302
    return {"exam": exam, "person": person, "attempt": attempt, "admin": admin}


def test_integers_too_big_and_odd_numbers_are_404_or_400(world, app):
    client, exam, attempt = world["admin"].client, world["exam"], world["attempt"]
    bank_id = app.extensions["sqlalchemy"].session.scalar(select(Bank.id))
    urls = [
        f"/exams/{HUGE}", f"/exams/attempt/{HUGE}", f"/banks/{HUGE}", f"/accounts/{HUGE}", f"/draws/{HUGE}",
        f"/exams/{HUGE}/results/", f"/exams/{exam.id}/plan/{HUGE}/preview",
        f"/roster/?page={HUGE}", f"/roster/?unit={HUGE}", "/roster/?unit=1e999", f"/roster/?tier={HUGE}",
        f"/accounts/?page={HUGE}", f"/accounts/?unit={HUGE}", "/accounts/?unit=1e999", f"/audit/?page={HUGE}",
        f"/banks/{bank_id}?page={HUGE}", f"/banks/{bank_id}?difficulty={HUGE}", "/banks/1?page=-" + HUGE, "/banks/1?page=1e999",
        f"/exams/{exam.id}/attempts?page={HUGE}", f"/exams/{exam.id}/results/people?page={HUGE}",
        f"/exams/{exam.id}/results/?unit={HUGE}", f"/exams/{exam.id}/live?unit={HUGE}", "/roster/?page=1e999",
    ]
    for url in urls:
        status = client.get(url).status_code
        if HUGE in url:
            assert status in (400, 404), (url, status)
        else:  # not a number at all: ignored as the filter left out, or refused
            assert status in (200, 400, 404), (url, status)
    assert client.get("/roster/?page=2").status_code == 200  # a plain page number still works
    # forms: a huge number of minutes or a huge id is a 400, and nothing changed
    page = client.get(f"/exams/attempt/{attempt.id}").get_data(as_text=True)
    token = csrf_from(page)
    for data in ({"minutes": HUGE, "attempt_id": str(attempt.id)}, {"minutes": "10", "attempt_id": HUGE}):
        response = client.post(f"/exams/{exam.id}/extend", data=dict(data, reason="断网", csrf_token=token))
        assert response.status_code == 400, data
        assert "请求无效" in response.get_data(as_text=True)


# werkzeug leaves the spooled file of a multipart body it refused half-way for the collector to close
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_deep_json_and_broken_bodies_are_bad_requests(world, app):
    attempt = factories.sit(world["exam"], factories.examinee("0002"), submit=False)  # still answering
    examinee = AuthActions(app.test_client())
    examinee.login("0002", PASSWORD)
    # with the page's own save token, so that the body itself is what gets judged
    page = examinee.client.get(f"/my/attempts/{attempt.id}").get_data(as_text=True)
    saving = {"X-Save-Token": re.search(r'data-save-token="([^"]+)"', page).group(1)}
    for depth in (30_000, 100_000):  # under the autosave gate's limit, and over it
        body = "[" * depth + "]" * depth
        response = examinee.client.post(f"/my/attempts/{attempt.id}/answers", data=body,
                                        content_type="application/json", headers=saving)
        assert response.status_code == 400, (depth, response.status_code)
        assert response.get_json()["error"] == "请求格式不正确。"
    deep = {"question": json.loads("[" * 50 + "]" * 50), "response": "A", "seq": 1}
    response = examinee.client.post(f"/my/attempts/{attempt.id}/answers", json=deep, headers=saving)
    assert response.status_code == 400
    with app.test_request_context(data="[" * 100_000 + "]" * 100_000, content_type="application/json"):
        from flask import request
        assert request.get_json(silent=True) is None

    client = world["admin"].client
    token = world["admin"].token
    broken = b"--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.xlsx\"\r\n\r\nPK\x03\x04"
    for url in ("/roster/upload", "/banks/upload"):
        response = client.post(url, data=broken, content_type="multipart/form-data; boundary=xyz")
        assert 400 <= response.status_code < 500, (url, response.status_code)
        response = client.post(url, data=b"no boundary at all", content_type="multipart/form-data")
        assert 400 <= response.status_code < 500, (url, response.status_code)
    # a form field bigger than a form may hold is refused with a page, not a crash
    visitor = AuthActions(app.test_client())
    visitor.token = csrf_from(visitor.client.get("/login").get_data(as_text=True))
    response = visitor.post("/login", data={"username": "x" * 2_000_000, "password": "p"})
    assert response.status_code in (200, 400, 413)  # the form again with its message, or refused
    assert "examsite" in response.get_data(as_text=True)
    huge_field = client.post("/roster/upload", data={"csrf_token": token, "note": "y" * 2_000_000,
                                                     "file": (io.BytesIO(b"x"), "a.xlsx")})
    assert huge_field.status_code in (400, 413)
    import gc
    del response, huge_field  # the responses hold their requests, and these the half-read files
    gc.collect()  # the half-read files are closed here, under this test's filter


def _text_cells(data: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
            if cell.value is not None and str(cell.value).startswith("=") or
            (isinstance(cell.value, str) and "HYPERLINK" in cell.value)]


def test_exports_write_text_that_looks_like_a_formula_as_text(world, db, app):
    exam, person = world["exam"], world["person"]
    question = db.session.scalar(select(Question).order_by(Question.id))
    question.stem = "=1+2"
    question.explanation = FORMULA
    db.session.commit()

    slips = issue_slips(exam, [person], app.config["SECRET_KEY"])
    workbooks = {
        "slips": slips_workbook(slips, exam, "https://exam.example/"),
        "roster": roster_workbook(),
        "bank": export_bank(question.bank),
    }
    clock.freeze(START + timedelta(hours=3))
    result = results.settled_results(exam, None)
    stream = write_workbook(result, results.item_stats(exam, result), datetime(2026, 6, 10, 12, 0))
    workbooks["results"] = stream.getvalue()
    for name, data in workbooks.items():
        cells = _text_cells(data)
        assert cells, name  # the title, the name or the stem is in it
        for cell in cells:
            assert cell.data_type == "s", (name, cell.coordinate, cell.value)
    slip_values = [cell.value for cell in _text_cells(workbooks["slips"])]
    assert any(value.startswith(FORMULA) for value in slip_values)
    assert "=1+1" in [cell.value for cell in _text_cells(workbooks["roster"])]
    assert "=1+2" in [cell.value for cell in _text_cells(workbooks["bank"])]
