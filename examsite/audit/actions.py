"""The Chinese name of every audited action, for the log page, its filter and the admin home.

Every name passed to ``record()`` anywhere in examsite has an entry here (a test greps the
source for them). A name that is missing still reads as Chinese: see ``action_label``.
"""

ACTIONS: dict[str, str] = {
    # 单位、层级与花名册
    "unit.create": "新建单位",
    "tier.create": "新增干部层级",
    "rank.add": "新增层级对照",
    "rank.remove": "删除层级对照",
    "roster.import": "导入花名册",
    # 账号
    "user.create": "创建账号",
    "user.disable": "停用账号",
    "user.enable": "启用账号",
    "user.unlock": "解除锁定",
    "user.reset_password": "重置密码",
    "user.code": "发放访问码",
    "user.password": "设置密码",
    # 题库
    "bank.import": "导入题库",
    "bank.retire": "停用题库",
    "bank.restore": "恢复题库",
    "question.edit": "修改题目",
    "question.retire": "停用题目",
    "question.restore": "恢复题目",
    "question.retire_duplicates": "停用重复题",
    # 测试
    "exam.create": "新建测试",
    "exam.edit": "修改测试",
    "exam.copy": "复制测试",
    "exam.end": "收卷",
    "exam.expected": "固定应参加名单",
    "exam.regrade": "重新评分",
    "plan.save": "设置试卷方案",
    "attempt.retake": "准许重考",
    "attempt.extend": "加时",
    "attempt.reopen": "重新开放答卷",
    "attempt.force_submit": "强制交卷",
    # 随机抽测
    "draw.create": "随机抽取",
    "draw.trial": "试抽",
    "draw.void": "作废抽取",
    "draw.assign": "分配抽测人员",
    "draw.codes": "生成抽测登录条",
    "slips.issue": "生成登录条",
    # 通报
    "notice.publish": "发布通报",
    "notice.withdraw": "撤回通报",
    # 活动：新建、修改、默认试卷方案
    "campaign.create": "新建活动",
    "campaign.edit": "修改活动",
    "campaign.plan": "设置活动默认试卷方案",
    # 活动 报送
    "report.submit": "报送成绩汇总表",
    "report.scan": "上传汇总表扫描件",
    "report.return": "退回成绩汇总表",
    # 活动：补测与免测
    "exemption.record": "登记免测",
    "exemption.remove": "撤销免测",
    "makeup.create": "新建补测",
    "makeup.edit": "修改补测",
    # 其他
    "demo.load": "载入演示数据",
}

#: what the first part of a dotted name is about, for names not in ACTIONS
SUBJECTS = {
    "unit": "单位", "tier": "干部层级", "rank": "层级对照", "roster": "花名册", "staff": "人员", "user": "账号",
    "bank": "题库", "question": "题目", "exam": "测试", "plan": "试卷方案", "attempt": "答卷", "draw": "抽取",
    "slips": "登录条", "notice": "通报", "demo": "演示数据", "campaign": "活动", "report": "汇总表",
    "sitting": "场次",
}
#: what the second part says was done
VERBS = {
    "create": "新建", "add": "新增", "edit": "修改", "update": "修改", "save": "保存", "delete": "删除",
    "remove": "删除", "import": "导入", "export": "导出", "retire": "停用", "restore": "恢复", "disable": "停用",
    "enable": "启用", "publish": "发布", "withdraw": "撤回", "void": "作废", "copy": "复制", "assign": "分配",
    "issue": "发放", "reset": "重置", "submit": "提交", "load": "载入",
}


def action_label(action: str | None) -> str:
    """The Chinese name of an action: 导入花名册 for roster.import. A name not in ACTIONS is
    made from its parts where they are known (修改场次 for sitting.edit), else 其他操作, with
    the name after it in brackets so it can still be told apart."""
    if not action:
        return "其他操作"
    known = ACTIONS.get(action)
    if known is not None:
        return known
    subject, _, verb = action.partition(".")
    if subject in SUBJECTS and verb in VERBS:
        return f"{VERBS[verb]}{SUBJECTS[subject]}"
    if subject in SUBJECTS:
        return f"{SUBJECTS[subject]}的其他操作（{action}）"
    return f"其他操作（{action}）"


def matching_actions(word: str, names) -> set[str]:
    """Of ``names`` (action names), those whose Chinese name contains ``word``."""
    word = word.strip().lower()
    if not word:
        return set()
    return {name for name in names if word in action_label(name).lower()}


def choices(extra=()) -> list[tuple[str, str]]:
    """(name, Chinese name) for the filter's dropdown: the known actions in ACTIONS' order, then
    any other name in ``extra`` (names found in the log)."""
    listed = list(ACTIONS.items())
    listed += sorted(((name, action_label(name)) for name in set(extra) - set(ACTIONS) if name),
                     key=lambda pair: pair[1])
    return listed
