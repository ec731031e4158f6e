"""Score bands (等次) wherever a campaign test's scores are shown: the results pages, the export,
a notice, the examinee's own result; a test of no campaign shows none of it.

The small test (factories.small_test): 11 points, pass mark 6. A1 11 (100%), A2 4 (failed),
A3 7 (63.6%). Under the campaign's cut-offs 95 / 60: A1 优秀, A3 良好, A2 不合格.
"""
import io
import re
from datetime import timedelta

import lxml.html
import openpyxl

from examsite import clock
from examsite.extensions import db
from examsite.notices.snapshot import NoticeDraft, build_snapshot
from examsite.results.services import settled_results

from .. import factories
from ..factories import PASSWORD
from .conftest import START


def _banded(exam):
    campaign = factories.campaign(opens=START - timedelta(days=1), closes=START + timedelta(days=9),
                                  due=START + timedelta(days=5), band_excellent=95, band_good=60, band_pass=50)
    exam.campaign_id = campaign.id
    db.session.commit()
    db.session.expire(exam)
    return campaign


def _cells(html: str, table_id: str) -> dict[str, list[str]]:
    tree = lxml.html.fromstring(html)
    rows = [[" ".join(td.text_content().split()) for td in tr.xpath("./td")]
            for tr in tree.xpath(f'//table[@id="{table_id}"]/tbody/tr')]
    return {row[0]: row for row in rows if row}


def test_results_rows_carry_the_campaigns_band(sat):
    exam, _ = sat
    _banded(exam)
    result = settled_results(exam)
    bands = {row.staff_no: row.band for row in result.rows}
    assert bands == {"A1": "优秀", "A2": "不合格", "A3": "良好", "B1": None, "B2": None, "C1": None}
    assert result.band_counts() == {"优秀": 1, "良好": 1, "合格": 0, "不合格": 1}


def test_the_pages_and_the_export_show_the_band(sat, client, auth):
    exam, _ = sat
    _banded(exam)
    auth.login("admin", PASSWORD)
    page = client.get(f"/exams/{exam.id}/results/people?list=all").get_data(as_text=True)
    rows = _cells(page, "people")
    assert (rows["A1"][7], rows["A2"][7], rows["A3"][7], rows["C1"][7]) == ("优秀", "不合格", "良好", "")
    overview = client.get(f"/exams/{exam.id}/results/").get_data(as_text=True)
    assert [c for c in _cells(overview, "bands").values()] == [["1", "1", "0", "1"]] and "优秀 ≥ 95" in overview
    units = _cells(overview, "unit-bands")
    assert units["城关镇"][1:] == ["1", "1", "0", "1"] and units["东岗镇"][1:] == ["0", "0", "0", "0"]
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/exams/{exam.id}/results/export.xlsx").data))
    cells = [[c.value for c in row] for row in book["成绩明细"].iter_rows(min_row=2)]
    head, by_no = cells[0], {row[0]: row for row in cells[1:]}
    column = head.index("等次")
    assert head[column - 1] == "是否及格" and head[column + 1] == "开始时间"
    assert (by_no["A1"][column], by_no["A2"][column], by_no["A3"][column], by_no["C1"][column]) == ("优秀", "不合格", "良好", None)
    assert by_no["A3"][column + 2] is not None  # the 交卷时间 moved one column on, not lost


def test_a_test_of_no_campaign_looks_as_before(sat, client, auth):
    exam, _ = sat
    auth.login("admin", PASSWORD)
    page = client.get(f"/exams/{exam.id}/results/people?list=all").get_data(as_text=True)
    assert "等次" not in page and 'id="sittings"' not in page
    assert len(_cells(page, "people")["A1"]) == 8
    overview = client.get(f"/exams/{exam.id}/results/").get_data(as_text=True)
    assert 'id="bands"' not in overview and "等次" not in overview
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/exams/{exam.id}/results/export.xlsx").data))
    head = [c.value for c in next(book["成绩明细"].iter_rows(min_row=2, max_row=2))]
    assert head == ["工号", "姓名", "单位", "层级", "状态", "单选题", "多选题", "判断题", "填空题", "总分", "是否及格",
                    "开始时间", "交卷时间", "用时（分钟）"]
    snapshot = build_snapshot(settled_results(exam), NoticeDraft("通报", "", include_failed=True))
    assert "bands" not in snapshot and "band" not in snapshot["failed"][0]
    assert 'id="unit-bands"' not in overview


def test_a_notice_keeps_the_band_counts_and_each_rows_band(sat, client, auth):
    exam, _ = sat
    _banded(exam)
    snapshot = build_snapshot(settled_results(exam), NoticeDraft("通报", "", include_failed=True))
    assert snapshot["bands"]["counts"] == {"优秀": 1, "良好": 1, "合格": 0, "不合格": 1}
    assert dict(snapshot["bands"]["units"])["城关镇"] == {"优秀": 1, "良好": 1, "合格": 0, "不合格": 1}
    assert [(p["name"][0], p["band"]) for p in snapshot["failed"]] == [("甲", "不合格")]
    clock.freeze(START + timedelta(hours=6))
    auth.login("admin", PASSWORD)
    page = client.get(f"/exams/{exam.id}/notice").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    published = client.post(f"/exams/{exam.id}/notice", data={
        "csrf_token": token, "title": "关于测试情况的通报", "intro": "导语", "include_failed": "y", "include_units": "y", "supersedes": 0,
        "action": "publish"}, follow_redirects=True).get_data(as_text=True)
    assert "优秀 2 人，良好 1 人，合格 0 人，不合格 1 人" in published  # B1 handed in at the deadline, all right
    assert list(_cells(published, "notice-failed").values())[0][-1] == "不合格"
    assert _cells(published, "notice-unit-bands")["城关镇"][1:] == ["1", "1", "0", "1"]


def test_the_examinee_sees_his_band_beside_his_score(db, client, auth):
    clock.freeze(START)
    factories.bank(singles=2, multiples=1, judges=2, fills=1)
    campaign = factories.campaign(opens=START - timedelta(days=1), closes=START + timedelta(days=9),
                                  due=START + timedelta(days=5))
    exam = factories.unit_test(campaign, "城南区/城关镇")
    plain = factories.exam("无活动的测试")
    person = factories.examinee("E1", "考生", "城南区/城关镇")
    banded = factories.sit(exam, person, right=("single", "multiple", "judge"))  # 9 of 11: 81.8% → 良好
    unbanded = factories.sit(plain, person, right=factories.ALL_TYPES)
    auth.login("E1", PASSWORD)
    page = client.get(f"/my/attempts/{banded.id}/result").get_data(as_text=True)
    assert re.search(r'id="band">等次：良好<', page)
    assert 'id="band"' not in client.get(f"/my/attempts/{unbanded.id}/result").get_data(as_text=True)


def test_a_make_up_examinee_is_told_the_score_that_counts(db, client, auth):
    """Under the capped rule his make-up's 11 counts as the pass mark, 6 (合格), not 11 (优秀)."""
    from examsite.models import ExamMember

    clock.freeze(START)
    factories.bank(singles=2, multiples=1, judges=2, fills=1)
    campaign = factories.campaign(opens=START - timedelta(days=1), closes=START + timedelta(days=9),
                                  due=START + timedelta(days=5))
    first = factories.unit_test(campaign, "城南区/城关镇")
    person = factories.examinee("E1", "考生", "城南区/城关镇")
    factories.sit(first, person, right=("single",))  # 4: failed
    makeup = factories.exam("补测", mode="named")
    makeup.campaign_id, makeup.organiser_unit_id, makeup.makeup_of_id = campaign.id, first.organiser_unit_id, first.id
    db.session.add(ExamMember(exam_id=makeup.id, staff_id=person.id))
    db.session.commit()
    again = factories.sit(makeup, person, right=factories.ALL_TYPES)
    auth.login("E1", PASSWORD)
    page = client.get(f"/my/attempts/{again.id}/result").get_data(as_text=True)
    assert re.search(r'id="counted">这是补测。按活动规定计入成绩 <strong>6</strong> 分（合格）', page)
    assert 'id="band"' not in page  # the sitting's own band (优秀) would contradict the counted one
    assert 'id="counted"' not in client.get(f"/my/attempts/{first.id}/result").get_data(as_text=True)
