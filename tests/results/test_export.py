"""The results workbook, opened with openpyxl as a spreadsheet program would."""
import io
from datetime import datetime

import openpyxl
import pytest


from ..factories import PASSWORD




def test_the_workbook_holds_every_sheet_typed_and_filtered(sat, client, auth):
    exam, _ = sat
    auth.login("admin", PASSWORD)
    response = client.get(f"/exams/{exam.id}/results/export.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"] and ".xlsx" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["成绩明细", "单位汇总", "层级汇总", "试题分析", "图表"]

    people = book["成绩明细"]
    assert exam.title in people["A1"].value and "导出时间" in people["A1"].value
    headers = [c.value for c in people[2]]
    assert headers == ["工号", "姓名", "单位", "层级", "状态", "单选题", "多选题", "判断题", "填空题", "总分", "是否及格",
                       "开始时间", "交卷时间", "用时（分钟）"]
    assert people.freeze_panes == "A3"
    assert people.auto_filter.ref == "A2:N8"
    rows = {row[0]: row for row in people.iter_rows(min_row=3, values_only=True)}
    assert set(rows) == {"A1", "A2", "A3", "B1", "B2", "C1"}
    a1 = rows["A1"]
    assert a1[5:11] == (4, 3, 2, 2, 11, "及格")
    assert isinstance(a1[9], (int, float)) and isinstance(a1[11], datetime) and isinstance(a1[12], datetime)
    assert a1[11] == datetime(2026, 6, 10, 9, 0)  # Beijing time
    assert rows["B1"][4] == "答题中" and rows["B1"][9] is None and isinstance(rows["B1"][11], datetime)
    assert rows["C1"][4] == "未参加" and rows["C1"][11] is None
    assert people.column_dimensions["C"].width > 20

    units = book["单位汇总"]
    assert [c.value for c in units[2]][:4] == ["单位", "应参加", "已开始", "已交卷"]
    town = next(row for row in units.iter_rows(min_row=3, values_only=True) if row[0] == "城关镇")
    assert town[1:4] == (3, 3, 3) and town[9] == pytest.approx(2 / 3)
    assert units.cell(row=3, column=10).number_format == "0.0%"
    assert book["层级汇总"].auto_filter.ref.startswith("A2:")

    items = book["试题分析"]
    rates = [row[5] for row in items.iter_rows(min_row=3, values_only=True)]
    assert len(rates) == 6 and rates == sorted(rates)  # hardest first
    charts = book["图表"]
    assert [row for row in charts.iter_rows(min_row=3, max_col=2, values_only=True)][-1] == ("9.9–11", 1)
    assert len(charts._charts) == 2  # openpyxl keeps the charts it read


def test_the_command_line_export(sat, app, tmp_path):
    exam, people = sat
    runner = app.test_cli_runner()
    out = tmp_path / "结果.xlsx"
    result = runner.invoke(args=["results", "export", str(exam.id), str(out)])
    assert result.exit_code == 0, result.output
    assert "6 人" in result.output
    assert openpyxl.load_workbook(out)["成绩明细"].max_row == 8

    scoped = tmp_path / "东岗镇.xlsx"
    result = runner.invoke(args=["results", "export", str(exam.id), str(scoped), "--unit", str(people["B1"].unit.parent_id)])
    assert result.exit_code == 0
    assert [r[0] for r in openpyxl.load_workbook(scoped)["成绩明细"].iter_rows(min_row=3, values_only=True)] == ["B1", "B2"]

    for args, message in ((["9999", str(tmp_path / "x.xlsx")], "没有编号为 9999 的测试"),
                          ([str(exam.id), str(tmp_path / "x.csv")], ".xlsx"),
                          ([str(exam.id), str(tmp_path / "x.xlsx"), "--unit", "9999"], "没有编号为 9999 的单位")):
        result = runner.invoke(args=["results", "export", *args])
        assert result.exit_code != 0 and message in result.output
    assert not (tmp_path / "x.xlsx").exists()
