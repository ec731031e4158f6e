"""`flask roster parse FILE [--json]`: the upload preview's checks from the command line, reading
the database and writing nothing."""
import json

import pytest
from sqlalchemy import func, select

from examsite.models import AuditLog, Staff, Unit

from .. import factories
from ..spreadsheets import workbook
from .hr_export import HIDDEN_UNIT, RANKS, hr_xlsx, people


@pytest.fixture
def district(db):
    for path in ("城南区/城关镇/党政办", "城南区/城关镇/经济发展办", "城南区/东岗镇"):
        factories.unit(path)
    db.session.commit()


def counts(db):
    return tuple(db.session.scalar(select(func.count(model.id))) for model in (Staff, Unit, AuditLog))


def run(runner, tmp_path, name, data, *args):
    path = tmp_path / name
    path.write_bytes(data)
    return runner.invoke(args=["roster", "parse", str(path), *args])


def test_json_lists_people_units_tiers_and_hidden_rows(db, district, runner, tmp_path):
    persons = people(260)
    factories.staff(persons[0].staff_no, "王建国", "城南区/东岗镇", "一般干部")  # known: he moved and was renamed
    factories.staff("999999", "离开的人", "城南区/城关镇/党政办")
    db.session.commit()
    before = counts(db)
    result = run(runner, tmp_path, "在职人员.xlsx", hr_xlsx(persons, "xlsxwriter"), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    shown = [p for p in persons if not p.hidden]
    hidden = [p for p in persons if p.hidden]
    assert report["ok"] is True and report["errors"] == [] and report["warnings"] == []
    assert report["counts"] == {"people": len(shown), "added": len(shown) - 1, "changed": 1, "unchanged": 0,
                                "leaving": 1, "hidden": len(hidden)}
    assert [p["staff_no"] for p in report["people"]] == [p.staff_no for p in shown]
    first = report["people"][0]
    assert first["sheet"] == "在职人员" and first["row"] == 5 and first["status"] == "changed"
    assert first["unit"] == "城南区/城关镇/党政办" and first["new_unit"] is False
    assert "姓名：王建国 → 王建国甲" in first["changes"] and any(c.startswith("单位：") for c in first["changes"])
    assert first["id_number"] == "*" * 14 + persons[0].id_number[-4:].upper()
    assert {p["status"] for p in report["people"][1:]} == {"new"}
    expected_tiers = {}
    for p in shown:
        expected_tiers[RANKS[p.rank]] = expected_tiers.get(RANKS[p.rank], 0) + 1
    assert {k: v for k, v in report["tiers"].items() if v} == expected_tiers
    assert {u["path"]: u["people"] for u in report["units"]} == {
        "城南区/城关镇/党政办": sum(p.unit == "城关镇/党政办" for p in shown),
        "城南区/城关镇/经济发展办": sum(p.unit == "城关镇-经济发展办" for p in shown)}
    assert report["leaving"] == [{"staff_no": "999999", "name": "离开的人", "unit": "城南区/城关镇/党政办"}]
    assert [(h["row"], h["staff_no"]) for h in report["hidden"]] == [
        (5 + i, p.staff_no) for i, p in enumerate(persons) if p.unit == HIDDEN_UNIT]
    assert {h["sheet"] for h in report["hidden"]} == {"在职人员"} and report["sheets"] == ["在职人员"]
    assert any("被筛选隐藏" in n for n in report["notes"])
    assert counts(db) == before  # read only

    text = run(runner, tmp_path, "在职人员.xlsx", hr_xlsx(persons, "openpyxl"))
    assert text.exit_code == 0, text.output
    lines = text.output.splitlines()
    assert lines[0] == (f"在职人员.xlsx：共 {len(shown)} 人（新增 {len(shown) - 1}，有变动 1，不变 0），单位 2 个"
                        f"（其中新建 0 个），错误 0 处，警告 0 处。")
    assert f"隐藏  第 7 行：{hidden[0].staff_no} {hidden[0].name}（没有导入）" in lines
    assert len([line for line in lines if line.startswith("隐藏  第")]) == 50 and f"隐藏  ……共 {len(hidden)} 行" in lines
    assert f"变动  {persons[0].staff_no} 王建国甲：姓名：王建国 → 王建国甲" in text.output
    assert counts(db) == before


def test_errors_carry_their_sheet_and_row_and_exit_1(db, district, runner, tmp_path):
    data = workbook({
        "城关镇": [["城关镇干部名单"], ["工号", "姓名", "单位", "干部层级", "身份证号"],
                 ["0001", "张三", "城关镇/党政办", "一般干部", "110105194912310021"],
                 ["0002", "李四", "城关镇/新设科室", "一般干部", None]],
        "东岗镇": [["工号", "姓名", "单位", "干部层级"], ["0003", "王五", "东岗镇", "处级"],
                 ["0004", "赵六", "西岭乡/党政办", "一般干部"]],
    })
    before = counts(db)
    result = run(runner, tmp_path, "名单.xlsx", data, "--json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["ok"] is False
    assert [(e["sheet"], e["row"]) for e in report["errors"]] == [("城关镇", 3), ("东岗镇", 2), ("东岗镇", 3)]
    assert report["errors"][0]["message"] == "工作表“城关镇”第 3 行：身份证号校验位不对，可能有数字输错。"
    assert "干部层级“处级”不在已设置的层级中" in report["errors"][1]["message"]
    assert "单位“西岭乡”不存在" in report["errors"][2]["message"]
    assert [p["staff_no"] for p in report["people"]] == ["0002"]  # read without error; its unit would be new
    assert report["people"][0]["new_unit"] is True and report["people"][0]["status"] is None
    assert counts(db) == before

    text = run(runner, tmp_path, "名单.xlsx", data)
    assert text.exit_code == 1
    lines = text.output.splitlines()
    assert lines[0].startswith("名单.xlsx：共 1 人") and "错误 3 处" in lines[0]
    assert "错误  工作表“东岗镇”第 3 行：单位“西岭乡”不存在" in text.output


def test_a_file_level_error_has_no_sheet_or_row(db, runner, tmp_path):
    result = run(runner, tmp_path, "名单.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "--json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["errors"] == [{"sheet": None, "row": None,
                                 "message": "这是旧版 Excel（.xls）文件，请在 Excel 中“另存为” .xlsx 格式后再上传。"}]


def test_the_summary_in_chinese_and_no_units_created(db, district, runner, tmp_path):
    text = ("工号,姓名,单位,职级\r\n0001,欧阳娜,城关镇/党政办,三级主任科员\r\n0002,张　三,东岗镇/综治中心,试用期\r\n"
            "0003,李四,东岗镇/综治中心,科员\r\n")
    before = counts(db)
    result = run(runner, tmp_path, "名单.csv", text.encode("gbk"))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "名单.csv：共 3 人（新增 3，有变动 0，不变 0），单位 2 个（其中新建 1 个），错误 0 处，警告 0 处。"
    assert lines[1] == "干部层级：乡科级 1 人，一般干部 2 人"
    assert "单位  城南区/东岗镇/综治中心（新建）：2 人" in lines
    assert "单位  城南区/城关镇/党政办：1 人" in lines
    assert counts(db) == before and db.session.scalar(select(Unit).where(Unit.name == "综治中心")) is None


def test_a_file_over_the_upload_limit_is_refused_before_it_is_read(db, app, runner, tmp_path):
    path = tmp_path / "大.csv"
    path.write_bytes(b"1," * (app.config["MAX_CONTENT_LENGTH"] // 2 + 1))
    result = runner.invoke(args=["roster", "parse", str(path), "--json"])
    assert result.exit_code == 1
    assert "超过了" in result.output and "上传上限" in result.output and "没有读取" in result.output


def test_a_missing_sqlite_database_is_named_and_not_created(tmp_path):
    from examsite import create_app

    missing = tmp_path / "没有.sqlite3"
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}"})
    path = tmp_path / "名单.csv"
    path.write_bytes("工号,姓名,单位,干部层级\r\n0001,张三,东岗镇,一般干部\r\n".encode("gbk"))
    result = app.test_cli_runner().invoke(args=["roster", "parse", str(path)])
    assert result.exit_code == 1
    assert f"数据库文件 {missing} 不存在" in result.output and "flask db upgrade" in result.output
    assert not missing.exists()
