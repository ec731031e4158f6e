"""The make-up page (补测) through the test client: who may open it, exemptions with their
attachment, the make-up in one step, and the first test's results showing both sittings.

Every paper is the small bank's whole: 11 points, pass mark 6; bands 90/80/60 of full marks.
城关镇's self-test: A1 11 (优秀), A2 4 (不合格), A3 乡科级 7 (合格), A4 and A5 absent.
"""
import io
from datetime import timedelta

import lxml.html
import openpyxl
import pytest
from sqlalchemy import select

from examsite.clock import freeze, to_local
from examsite.extensions import db
from examsite.models import Exam, ExamMember, Exemption
from tests import factories as f
from tests.factories import PASSWORD

from .test_makeup import AFTER, PNG, START, closed_town


def table(html: str, table_id: str) -> dict[str, list[str]]:
    """The rows of a table by their first cell."""
    tree = lxml.html.fromstring(html)
    rows = tree.xpath(f'//table[@id="{table_id}"]/tbody/tr')
    cells = [[" ".join(td.text_content().split()) for td in tr.xpath("./td")] for tr in rows]
    return {row[0]: row for row in cells if row}


def headers(html: str, table_id: str) -> list[str]:
    tree = lxml.html.fromstring(html)
    return [" ".join(th.text_content().split()) for th in tree.xpath(f'//table[@id="{table_id}"]/thead//th')]


@pytest.fixture
def accounts(db):
    """The closed self-test of test_makeup, the admin, its organiser and 东岗镇's liaison."""
    town = closed_town()
    f.user("admin")
    f.user("town", role="liaison", unit_path="城南区/城关镇")
    f.user("east", role="liaison", unit_path="城南区/东岗镇")
    yield town
    freeze(None)


def _local(moment) -> str:
    return to_local(moment).strftime("%Y-%m-%dT%H:%M")


def test_the_organiser_opens_the_page_another_units_liaison_gets_404(accounts, client, auth):
    exam, _ = accounts
    auth.login("east", PASSWORD)
    assert client.get(f"/exams/{exam.id}/makeup").status_code == 404
    assert auth.post(f"/exams/{exam.id}/makeup/create", {"opens_at": _local(AFTER + timedelta(hours=1)),
                                                          "closes_at": _local(AFTER + timedelta(days=1))}).status_code == 404
    assert db.session.scalar(select(Exam).where(Exam.makeup_of_id == exam.id)) is None
    auth.post("/logout")
    auth.login("town", PASSWORD)
    page = client.get(f"/exams/{exam.id}/makeup").get_data(as_text=True)
    assert list(table(page, "failed")) == ["A2"] and list(table(page, "absent")) == ["A4", "A5"]
    assert table(page, "failed")["A2"][4] == "不及格（4 分）" and "待补测" in table(page, "absent")["A4"][5]
    assert client.get("/exams/9999/makeup").status_code == 404
    detail = client.get(f"/exams/{exam.id}").get_data(as_text=True)
    assert f"/exams/{exam.id}/makeup" in detail and 'id="exam-makeup"' in detail


def test_a_test_of_no_campaign_has_no_make_up_page(accounts, client, auth):
    other = f.exam("区级测试", opens=START, closes=START + timedelta(hours=1))
    db.session.commit()
    auth.login("admin", PASSWORD)
    assert client.get(f"/exams/{other.id}/makeup").status_code == 404
    assert 'id="exam-makeup"' not in client.get(f"/exams/{other.id}").get_data(as_text=True)


def test_an_exemption_with_its_attachment_then_the_make_up(accounts, client, auth):
    exam, people = accounts
    auth.login("town", PASSWORD)
    client.get(f"/exams/{exam.id}/makeup")
    refused = auth.post(f"/exams/{exam.id}/makeup/exemptions", {
        "staff_id": people["A5"].id, "kind": "病假", "reason": "住院",
        "attachment": (io.BytesIO(b"MZ\x90\x00not a png"), "证明.png")}, follow_redirects=True)
    assert "内容不是 PNG" in refused.get_data(as_text=True) and db.session.scalar(select(Exemption)) is None
    forged = auth.post(f"/exams/{exam.id}/makeup/exemptions", {"staff_id": people["A1"].id, "kind": "病假",
                                                               "reason": "住院"}, follow_redirects=True)
    assert db.session.scalar(select(Exemption)) is None and "免测" in forged.get_data(as_text=True)
    done = auth.post(f"/exams/{exam.id}/makeup/exemptions", {
        "staff_id": people["A5"].id, "kind": "病假", "reason": "住院治疗",
        "attachment": (io.BytesIO(PNG), "诊断证明.png")}, follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "已登记免测" in page and list(table(page, "exempt")) == ["A5"]
    assert table(page, "exempt")["A5"][4:7] == ["病假", "住院治疗", "诊断证明.png"]
    download = client.get(f"/exams/{exam.id}/makeup/exemptions/{people['A5'].id}/attachment")
    assert download.status_code == 200 and download.data == PNG and download.mimetype == "image/png"
    assert "attachment" in download.headers["Content-Disposition"]
    assert client.get(f"/exams/{exam.id}/makeup/exemptions/{people['A4'].id}/attachment").status_code == 404
    auth.post("/logout")
    auth.login("east", PASSWORD)
    assert client.get(f"/exams/{exam.id}/makeup/exemptions/{people['A5'].id}/attachment").status_code == 404
    auth.post("/logout")

    auth.login("town", PASSWORD)
    client.get(f"/exams/{exam.id}/makeup")
    too_early = auth.post(f"/exams/{exam.id}/makeup/create", {
        "title": "", "opens_at": _local(START), "closes_at": _local(AFTER + timedelta(days=1))}, follow_redirects=True)
    assert "原测试结束" in too_early.get_data(as_text=True)
    made = auth.post(f"/exams/{exam.id}/makeup/create", {
        "title": "", "opens_at": _local(AFTER + timedelta(hours=1)), "closes_at": _local(AFTER + timedelta(days=1))},
        follow_redirects=True)
    makeup = db.session.scalar(select(Exam).where(Exam.makeup_of_id == exam.id))
    assert makeup.title == f"{exam.title}（补测）" and made.request.path == f"/exams/{makeup.id}/makeup"
    assert set(db.session.scalars(select(ExamMember.staff_id).where(ExamMember.exam_id == makeup.id))) == {
        people["A2"].id, people["A4"].id}
    detail = client.get(f"/exams/{makeup.id}").get_data(as_text=True)
    assert f"本测试是“<a href=\"/exams/{exam.id}\">{exam.title}</a>”的补测" in detail
    assert makeup.title in client.get(f"/exams/{exam.id}").get_data(as_text=True)
    page = made.get_data(as_text=True)
    assert 'id="makeup-of"' in page and 'id="makeup-edit"' in page and "指定 2 人参加" in page
    edited = auth.post(f"/exams/{makeup.id}/makeup/edit", {
        "title": "城关镇补测", "opens_at": _local(AFTER + timedelta(hours=2)), "closes_at": _local(AFTER + timedelta(days=2))},
        follow_redirects=True)
    assert "已保存补测" in edited.get_data(as_text=True)
    db.session.refresh(makeup)
    assert (makeup.title, makeup.mode) == ("城关镇补测", "named")
    first_page = client.get(f"/exams/{exam.id}/makeup").get_data(as_text=True)
    assert "城关镇补测" in table(first_page, "failed")["A2"][5] and 'id="nobody-left"' in first_page
    # the exemption is taken back, with a reason
    removed = auth.post(f"/exams/{exam.id}/makeup/exemptions/{people['A5'].id}/remove", {"reason": "材料不全"},
                        follow_redirects=True)
    assert "已撤销免测" in removed.get_data(as_text=True) and db.session.scalar(select(Exemption)) is None
    assert auth.post(f"/exams/{exam.id}/makeup/exemptions/{people['A5'].id}/remove", {"reason": "再撤"}).status_code == 404


@pytest.mark.parametrize("rule, a2, a4", [
    # A2: 4, then 11 in the make-up; A4: absent, then 9
    ("replace_capped", ("11", "6", "合格"), ("9", "6", "合格")),
    ("best", ("11", "11", "优秀"), ("9", "9", "良好")),
])
def test_the_first_tests_results_show_both_sittings_and_the_counted_score(accounts, client, auth, rule, a2, a4):
    exam, people = accounts
    exam.campaign.makeup_rule = rule
    db.session.add(Exemption(exam_id=exam.id, staff_id=people["A5"].id, kind="公差", reason="外出"))
    makeup = f.exam("补测", mode="named", opens=AFTER + timedelta(hours=1), closes=AFTER + timedelta(days=1))
    makeup.campaign_id, makeup.organiser_unit_id, makeup.makeup_of_id = exam.campaign_id, exam.organiser_unit_id, exam.id
    db.session.add_all([ExamMember(exam_id=makeup.id, staff_id=people[no].id) for no in ("A2", "A4")])
    db.session.commit()
    freeze(AFTER + timedelta(hours=2))
    f.sit(makeup, people["A2"], right=f.ALL_TYPES)
    f.sit(makeup, people["A4"], right=("single", "multiple", "judge"))
    auth.login("town", PASSWORD)
    page = client.get(f"/exams/{exam.id}/results/people?list=all").get_data(as_text=True)
    rows = table(page, "people")
    assert headers(page, "people")[7:] == ["等次", "交卷时间", "补测", "补测得分", "计入成绩", "计入等次", "说明"]
    assert rows["A2"][5:8] == ["4", "不及格", "不合格"] and tuple(rows["A2"][10:13]) == a2
    assert tuple(rows["A4"][10:13]) == a4 and rows["A4"][4] == "未参加"
    assert rows["A1"][7] == "优秀" and rows["A1"][11] == "11" and rows["A1"][10] == ""
    assert rows["A5"][9] == "免测（公差）" and rows["A5"][11] == ""
    assert ("取两次中较高的成绩" if rule == "best" else "补测成绩替代原成绩，最高按及格分计") in page
    overview = client.get(f"/exams/{exam.id}/results/").get_data(as_text=True)
    assert 'id="sittings"' in overview and "合格 4 人" in overview  # A1, A2, A3, A4 counted; A5 exempt
    back = client.get(f"/exams/{makeup.id}/results/").get_data(as_text=True)
    assert 'id="makeup-of"' in back and f"/exams/{exam.id}/results/" in back
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(f"/exams/{exam.id}/results/export.xlsx").data))["成绩明细"]
    cells = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    head, by_no = cells[0], {row[0]: row for row in cells[1:]}
    assert head[head.index("是否及格") + 1] == "等次" and head[-5:] == ["补测状态", "补测得分", "计入成绩", "计入等次", "计分说明"]
    assert by_no["A2"][head.index("等次")] == "不合格"
    assert (by_no["A2"][head.index("补测得分")], by_no["A2"][head.index("计入成绩")]) == (int(a2[0]), int(a2[1]))
    assert by_no["A2"][head.index("计入等次")] == a2[2]


def test_an_exempt_person_is_neither_expected_nor_absent_in_the_results(db):
    """As the campaign's figures count him: the results page, the export and a notice agree."""
    from examsite.models import Exemption
    from examsite.results.services import results

    f.bank(singles=2, multiples=1, judges=2, fills=1)
    campaign = f.campaign()
    town = f.unit_test(campaign, "城南区/城关镇")
    people = [f.staff(f"E{n}", f"人员{n}", "城南区/城关镇") for n in range(3)]
    db.session.commit()
    f.sit(town, people[0], right=f.ALL_TYPES)
    before = results(town)
    assert (before.overall().assigned, len(before.absent())) == (3, 2)
    db.session.add(Exemption(exam_id=town.id, staff_id=people[1].id, kind="公差", reason="外出办案"))
    db.session.flush()
    after = results(town)
    assert (after.overall().assigned, after.overall().absent, [r.staff_no for r in after.absent()]) == (2, 1, ["E2"])
    assert next(r for r in after.rows if r.staff_no == "E1").exempt == "公差"
