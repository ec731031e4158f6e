import ast
import html as html_lib
import itertools
import re
from datetime import datetime
from pathlib import Path

import pytest

from examsite import clock
from examsite.accounts.services import create_user
from examsite.audit.actions import ACTIONS, action_label, choices
from examsite.audit.services import LogFilter, log_query, parse_filter, record

from . import factories
from .factories import PASSWORD


def test_audit_page_lists_entries_newest_first_with_filter(db, auth, client):
    admin = factories.user("admin", "admin")
    record("roster.import", "导入花名册 a.xlsx", user=admin)
    record("unit.create", "新建单位 城南区", user=admin)
    db.session.commit()
    auth.login("admin", PASSWORD)
    html = client.get("/audit/").get_data(as_text=True)
    assert html.index("新建单位 城南区") < html.index("导入花名册 a.xlsx")
    assert "创建考试管理员账号 admin" in html
    filtered = client.get("/audit/?action=roster").get_data(as_text=True)
    assert "导入花名册 a.xlsx" in filtered and "新建单位 城南区" not in filtered


def test_record_takes_the_logged_in_user(db, app, auth, client):
    factories.user("admin", "admin")
    auth.login("admin", PASSWORD)
    auth.post("/roster/units", {"name": "城南区", "parent_id": 0})
    from sqlalchemy import select

    from examsite.models import AuditLog

    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "unit.create"))
    assert entry.user.username == "admin" and entry.target_type == "Unit"
    assert entry.ip == "127.0.0.1"


# ---- Chinese action names --------------------------------------------------------------------

SOURCE = Path(__file__).resolve().parent.parent / "examsite"
#: names other parts of examsite record (accounts, slips, closing, attempts, banks, draws)
PLANNED = {
    "user.create": "创建账号", "user.disable": "停用账号", "user.enable": "启用账号", "user.unlock": "解除锁定",
    "user.reset_password": "重置密码", "user.code": "发放访问码", "user.password": "设置密码",
    "slips.issue": "生成登录条", "exam.end": "收卷", "attempt.extend": "加时", "attempt.reopen": "重新开放答卷",
    "attempt.force_submit": "强制交卷", "exam.expected": "固定应参加名单", "bank.retire": "停用题库",
    "bank.restore": "恢复题库", "question.retire_duplicates": "停用重复题", "draw.trial": "试抽",
    "roster.import": "导入花名册",
}


def _names(node: ast.expr, where: str) -> list[str]:
    """Every action name an argument expression can give: a literal, a choice between
    literals, or an f-string whose parts are literals or choices between literals."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _names(node.body, where) + _names(node.orelse, where)
    if isinstance(node, ast.JoinedStr):
        parts = [_names(v.value if isinstance(v, ast.FormattedValue) else v, where) for v in node.values]
        return ["".join(combo) for combo in itertools.product(*parts)]
    raise AssertionError(f"{where}: record() is given an action name that cannot be read from the source; "
                         "give it a literal name (and add it to examsite/audit/actions.py)")


def recorded_actions() -> dict[str, str]:
    """Every action name passed to record() in examsite, with where it is."""
    found = {}
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if name != "record":
                continue
            argument = node.args[0] if node.args else next(
                (k.value for k in node.keywords if k.arg == "action"), None)
            assert argument is not None, f"{path}:{node.lineno}: record() without an action"
            where = f"{path.relative_to(SOURCE.parent)}:{node.lineno}"
            for action in _names(argument, where):
                found[action] = where
    return found


def test_every_recorded_action_has_a_chinese_name():
    found = recorded_actions()
    # the scan does find the names, computed ones included
    assert {"roster.import", "unit.create", "question.retire", "question.restore", "exam.create",
            "exam.edit"} <= set(found)
    missing = {action: where for action, where in found.items() if action not in ACTIONS}
    assert not missing, f"add these to examsite/audit/actions.py ACTIONS: {missing}"
    # and a plain grep agrees with the syntax tree on the literal names
    literal = set()
    for path in SOURCE.rglob("*.py"):
        literal |= set(re.findall(r"\brecord\(\s*\"([a-z_]+\.[a-z_]+)\"", path.read_text(encoding="utf-8")))
    assert literal and literal <= set(found)


def test_the_names_other_parts_record_are_registered():
    for action, label in PLANNED.items():
        assert action_label(action) == label


def test_every_name_reads_as_chinese_and_unknown_names_too():
    for action, label in ACTIONS.items():
        assert label and not re.search(r"[A-Za-z._]", label), (action, label)
    assert len(set(ACTIONS.values())) == len(ACTIONS)  # the dropdown tells them apart
    assert action_label("sitting.edit") == "修改场次"
    assert action_label("exam.frobnicate") == "测试的其他操作（exam.frobnicate）"
    assert action_label("zzz.yyy") == "其他操作（zzz.yyy）"
    assert action_label("") == action_label(None) == "其他操作"
    for name in ("sitting.edit", "exam.frobnicate", "zzz.yyy"):
        assert re.search(r"[\u4e00-\u9fff]", action_label(name)) and action_label(name) != name
    listed = choices(["zzz.yyy", "roster.import"])
    assert listed[0] == ("unit.create", "新建单位") and listed[-1] == ("zzz.yyy", "其他操作（zzz.yyy）")
    assert [name for name, _ in listed].count("roster.import") == 1


# ---- the log page's search -------------------------------------------------------------------

EARLY = datetime(2026, 6, 8, 2, 0)
BEFORE = datetime(2026, 6, 9, 2, 0)  # UTC: 2026-06-09 10:00 in Beijing
LATE = datetime(2026, 6, 9, 16, 30)  # UTC: 2026-06-10 00:30 in Beijing


@pytest.fixture
def log(db):
    """Two accounts created, 61 roster imports by 王管理 (admin wadmin), 55 password resets by
    李联络 (liaison), a notice published from the command line (nobody), over three Beijing days."""
    from examsite.models import Unit

    clock.freeze(EARLY)
    town = Unit(name="城关镇")
    db.session.add(town)
    db.session.flush()
    admin = create_user("wadmin", PASSWORD, "admin", "王管理")
    liaison = create_user("lliaison", PASSWORD, "liaison", "李联络", unit=town)
    db.session.commit()  # two 创建账号 entries
    clock.freeze(BEFORE)
    for n in range(61):
        record("roster.import", f"导入文件 第{n:02d}号.xlsx：新增 {n} 人", user=admin)
    clock.freeze(LATE)
    for n in range(55):
        record("user.reset_password", f"为 E{n:03d} 重新设置了登录口令", user=liaison)
    record("notice.publish", "发布通报“2026年纪法知识测试”", user=None)
    db.session.commit()
    return admin, liaison


def _rows(html: str) -> list[list[str]]:
    table = html[html.index('id="audit"'):]
    table = table[:table.index("</table>")]
    return [[html_lib.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in table.split("<tr")[2:]]


def _next_page(html: str) -> str:
    match = re.search(r'href="([^"]+)">下一页<', html)
    assert match, "no next page link"
    return html_lib.unescape(match.group(1))


def _total(html: str) -> int:
    return int(re.search(r"共 (\d+) 条", html).group(1))


def test_search_by_chinese_words_pages_with_the_filter_kept(log, client, auth):
    auth.login("wadmin", PASSWORD)
    first = client.get("/audit/?q=花名册").get_data(as_text=True)
    assert _total(first) == 61
    rows = _rows(first)
    assert len(rows) == 50 and all(r[2] == "导入花名册" and r[1] == "王管理（wadmin）" for r in rows)
    assert rows[0][0] == "2026-06-09 10:00:00"  # Beijing time
    assert 'value="花名册"' in first
    link = _next_page(first)
    assert "q=" in link and "page=2" in link
    second = client.get(link).get_data(as_text=True)
    assert len(_rows(second)) == 11 and all(r[2] == "导入花名册" for r in _rows(second))
    assert "roster.import" not in "".join(c for r in _rows(first) + _rows(second) for c in r)

    # the action's Chinese name alone: no summary says 重置密码
    reset = client.get("/audit/?q=重置密码").get_data(as_text=True)
    assert _total(reset) == 55 and {r[2] for r in _rows(reset)} == {"重置密码"}
    assert _rows(reset)[0][1] == "李联络（lliaison）" and _rows(reset)[0][0] == "2026-06-10 00:30:00"
    assert len(_rows(client.get(_next_page(reset)).get_data(as_text=True))) == 5
    # a person's name, a username, a test title, and several words at once
    assert _total(client.get("/audit/?q=李联络").get_data(as_text=True)) == 55
    assert _total(client.get("/audit/?q=WADMIN").get_data(as_text=True)) == 62  # and 创建…账号 wadmin
    titled = client.get("/audit/?q=纪法知识测试").get_data(as_text=True)
    assert _total(titled) == 1 and _rows(titled)[0][1:3] == ["系统/命令行", "发布通报"]
    assert _total(client.get("/audit/?q=王管理 第07号").get_data(as_text=True)) == 1
    assert _total(client.get("/audit/?q=李联络 花名册").get_data(as_text=True)) == 0
    # a literal % or _ is searched for as typed
    assert _total(client.get("/audit/?q=%25").get_data(as_text=True)) == 0


def test_action_dropdown_and_beijing_date_range(log, client, auth):
    auth.login("wadmin", PASSWORD)
    page = client.get("/audit/?action=user.reset_password").get_data(as_text=True)
    assert _total(page) == 55
    assert '<option value="user.reset_password" selected>重置密码</option>' in page
    assert '<option value="roster.import" >导入花名册</option>' in page or \
           re.search(r'<option value="roster.import"\s*>导入花名册</option>', page)
    # 2026-06-10 in Beijing starts at 16:00 UTC on the 9th: the resets and the notice, not the imports
    day = client.get("/audit/?start=2026-06-10&end=2026-06-10").get_data(as_text=True)
    assert _total(day) == 56
    link = _next_page(day)
    assert "start=2026-06-10" in link and "end=2026-06-10" in link
    assert len(_rows(client.get(link).get_data(as_text=True))) == 6
    assert _total(client.get("/audit/?end=2026-06-09").get_data(as_text=True)) == 63
    both = client.get("/audit/?q=花名册&start=2026-06-10").get_data(as_text=True)
    assert _total(both) == 0 and "暂无记录" in both


def test_bad_filters_are_told_in_chinese_and_left_out(log, client, auth):
    auth.login("wadmin", PASSWORD)
    bad = client.get("/audit/?start=2026-13-40&q=花名册")
    assert bad.status_code == 200
    text = bad.get_data(as_text=True)
    assert "不是有效的日期" in text and _total(text) == 61  # the search still applies, the date does not
    swapped = client.get("/audit/?start=2026-06-10&end=2026-06-09").get_data(as_text=True)
    assert "结束日期早于开始日期" in swapped and _total(swapped) == 119
    long = client.get("/audit/?q=" + "花" * 101).get_data(as_text=True)
    assert "搜索内容太长" in long and _total(long) == 119
    assert client.get("/audit/?page=99").status_code == 200


def test_the_filter_as_a_query_on_its_own(log, db):
    wanted, problems = parse_filter({"q": "  重置密码   E001 ", "start": "2026-06-10"})
    assert problems == [] and wanted.words == ["重置密码", "E001"]
    rows = db.session.scalars(log_query(wanted)).all()
    assert [r.summary for r in rows] == ["为 E001 重新设置了登录口令"]
    assert len(db.session.scalars(log_query(LogFilter(action="roster"))).all()) == 61


def test_admin_home_names_recent_actions_in_chinese(log, client, auth):
    auth.login("wadmin", PASSWORD)
    home = client.get("/home").get_data(as_text=True)
    rows = _rows(home)
    assert rows and rows[0][1:3] == ["系统/命令行", "发布通报"]
    assert {r[2] for r in rows[1:]} == {"重置密码"}
    assert "notice.publish" not in home and "user.reset_password" not in home
