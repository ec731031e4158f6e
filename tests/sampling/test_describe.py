"""A draw's conditions in words: describe_request() is pure; one case for every parameter."""
import pytest

from examsite.sampling.services import DrawRequest, describe_request


def words(**kwargs) -> str:
    return describe_request(DrawRequest(**kwargs).to_json())


def test_the_sentence_an_office_writes():
    assert words(unit_paths=["城南区/城关镇"], tiers=["乡科级"], position_words=["书记"], exclude_days=30,
                 size=10, stratify=True, at_least_one=True) == (
        "城南区/城关镇（含下级单位）中乡科级、职务含“书记”的人员，排除最近 30 天内被抽中的人；"
        "按各单位人数比例分层抽取 10 人，每个单位至少 1 人")


def test_everyone_when_nothing_narrows():
    assert words(size=5) == "全部单位的全部在岗人员；随机抽取 5 人"


@pytest.mark.parametrize("kwargs, part", [
    ({"unit_paths": ["城南区/城关镇", "城南区/东岗镇"]}, "城南区/城关镇、城南区/东岗镇（含下级单位）的全部在岗人员"),
    ({"unit_paths": ["城南区/城关镇"], "subunits": False}, "城南区/城关镇（不含下级单位）的全部在岗人员"),
    ({"tiers": ["乡科级"]}, "全部单位中乡科级的人员"),
    ({"tiers": ["县处级", "乡科级"]}, "全部单位中县处级或乡科级的人员"),
    ({"position_words": ["科长", "所长"]}, "全部单位中职务含“科长”或“所长”的人员"),
    ({"tiers": ["一般干部"], "position_words": ["科员"]}, "中一般干部、职务含“科员”的人员"),
    ({"exclude_days": 90}, "的全部在岗人员，排除最近 90 天内被抽中的人；"),
    ({"exclude_exam": 7}, "，排除已分配到第 7 号测试的人；"),
    ({"exclude_days": 30, "exclude_exam": 7}, "，排除最近 30 天内被抽中的人，排除已分配到第 7 号测试的人；"),
])
def test_each_filter(kwargs, part):
    assert part in words(size=3, **kwargs)


def test_the_excluded_test_by_its_title():
    parameters = DrawRequest(exclude_exam=7, size=3).to_json()
    assert "排除已分配到抽测“六月抽测”的人" in describe_request(parameters, "六月抽测")


@pytest.mark.parametrize("kwargs, method", [
    ({"size": 10}, "；随机抽取 10 人"),
    ({"size": 10, "stratify": True}, "；按各人所在单位人数比例分层抽取 10 人"),
    ({"size": 10, "stratify": True, "unit_paths": ["城南区"]}, "；按各单位人数比例分层抽取 10 人"),
    ({"size": 10, "at_least_one": True}, "；按各人所在单位人数比例分层抽取 10 人，每个单位至少 1 人"),
    ({"per_unit": 2}, "；每个单位抽取 2 人"),
    ({"per_unit": 2, "at_least_one": True}, "；每个单位抽取 2 人"),
    ({"proportion": 0.1}, "；每个单位按 10% 的比例抽取（总数四舍五入后按各人所在单位人数比例分配）"),
    ({"proportion": 0.125, "at_least_one": True}, "；每个单位按 12.5% 的比例抽取（总数四舍五入后按各人所在单位人数比例分配），每个单位至少 1 人"),
])
def test_each_method(kwargs, method):
    assert words(**kwargs).endswith(method)


def test_parameters_stored_before_some_keys_existed():
    # draws stored before 含下级 and 排除抽测 were parameters read as their defaults
    assert describe_request({"unit_paths": ["城南区"], "size": 4}) == "城南区（含下级单位）的全部在岗人员；随机抽取 4 人"
    assert describe_request({}) == "全部单位的全部在岗人员；抽取方式未记录"
