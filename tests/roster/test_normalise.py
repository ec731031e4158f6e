"""Cells as Excel really holds them, folded."""
import pytest

from examsite.roster.normalise import check_id_number, header_key, person_name, squash, unit_parts


@pytest.mark.parametrize("typed, folded", [
    ("张　三", "张三"), (" 张 三 ", "张三"), ("阿依古丽·买买提", "阿依古丽·买买提"), ("阿依古丽・买买提", "阿依古丽·买买提"),
    ("阿依古丽•买买提", "阿依古丽·买买提"), ("阿依古丽 ‧ 买买提", "阿依古丽·买买提"), ("阿依古丽．买买提", "阿依古丽·买买提"),
    ("ＬＩ　Ｍｉｎｇ", "LIMing"),
])
def test_names(typed, folded):
    assert person_name(typed) == folded


@pytest.mark.parametrize("typed, key", [
    ("姓 名", "姓名"), ("工号\n（必填）", "工号"), ("* 工号 (必填)", "工号"), ("身份证号码", "身份证号码"), ("干部\r\n层级", "干部层级"),
])
def test_headers(typed, key):
    assert header_key(typed) == key


@pytest.mark.parametrize("typed, parts", [
    ("城关镇/党政办", ("城关镇", "党政办")), ("城关镇 党政办", ("城关镇", "党政办")), ("城关镇　党政办", ("城关镇", "党政办")),
    ("区纪委监委-第一纪检监察室", ("区纪委监委", "第一纪检监察室")), ("城南区／城关镇 / 党政办", ("城南区", "城关镇", "党政办")),
    ("城南区>城关镇", ("城南区", "城关镇")), ("党政办", ("党政办",)),
])
def test_unit_paths(typed, parts):
    assert unit_parts(typed) == parts


def test_units_differing_in_spaces_or_width_share_a_key():
    assert squash("城关镇 党政办") == squash("城关镇党政办") == squash("城关镇　党政办")
    assert squash("第１纪检监察室") == squash("第1纪检监察室")


def test_id_numbers():
    assert check_id_number("11010519491231002X") == ("**************002X", None)
    assert check_id_number("11010519491231002x")[0] == "**************002X"
    assert check_id_number("110105 19491231 002X")[0] == "**************002X"
    assert "校验位" in check_id_number("110105194912310021")[1]
    assert "18 位" in check_id_number("1101051949123100")[1]
    assert "15 位" in check_id_number("110105491231002")[1]
    assert check_id_number("**************002X") == ("**************002X", None)  # from an export
