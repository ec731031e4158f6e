from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from ..forms import BaseForm
from ..models import QUESTION_TYPES
from .plans import FORM_MODES, SCORE_SHOWN, SCORING

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class UnitTreeField(SelectMultipleField):
    """Units chosen in a tree of checkboxes (templates/_unit_picker.html); each ticked box submits
    its value under the field's name, as a multiple select does, so validation is the same: the
    view sets ``choices`` and a value not among them is refused. ``key`` is the Unit attribute the
    values are ("id" or "path")."""

    def __init__(self, label=None, validators=None, key: str = "id", **kwargs):
        kwargs.setdefault("invalid_choice_message", "没有这个单位（%(value)s），可能刚被改名或删除，请刷新页面后重新勾选。")
        kwargs.setdefault("invalid_value_message", "所选单位无效，请刷新页面后重新勾选。")
        super().__init__(label, validators, **kwargs)
        self.key = key

    def nodes(self) -> list[dict]:
        """The choices in the tree's order (roster.services.tree_rows()), each with its depth."""
        from ..roster.services import tree_rows

        allowed = {str(choice.value) for choice in self.iter_choices()}
        ticked = {str(value) for value in (self.data or [])}
        return [{"value": str(getattr(unit, self.key)), "name": unit.name, "depth": depth,
                 "checked": str(getattr(unit, self.key)) in ticked}
                for unit, depth in tree_rows() if str(getattr(unit, self.key)) in allowed]


class ExamForm(BaseForm):
    #: a campaign's test: the campaign, and the unit whose organiser runs it ("" for the district's
    #: own test); the view removes both from a test outside campaigns and from an existing test
    campaign_id = HiddenField()
    organiser_unit_id = SelectField("组织单位（由该单位的联络员组织本单位及下属单位的测试）", validators=[Optional()])
    title = StringField("测试名称", validators=[DataRequired("请填写测试名称。"), Length(max=200)])
    description = TextAreaField("说明（考生在开始答题前看到）", validators=[Optional(), Length(max=2000)])
    mode = RadioField("测试方式", choices=dict(FORM_MODES), default="all")
    opens_at = DateTimeLocalField("开始时间", format=LOCAL_FORMAT, validators=[InputRequired("请填写开始时间。")])
    closes_at = DateTimeLocalField("结束时间", format=LOCAL_FORMAT, validators=[InputRequired("请填写结束时间。")])
    units = UnitTreeField("参加单位（含下级单位；不选则为全部单位）", coerce=int, validators=[Optional()])
    review_allowed = BooleanField("交卷后，测试结束时允许考生查看答案和解析")
    score_shown = SelectField("考生什么时候看到自己的成绩", choices=dict(SCORE_SHOWN), default="on_submit")
    submit = SubmitField("保存")


class SectionForm(Form):
    class Meta:
        locales = ["zh"]

    qtype = SelectField("题型", choices={"": "—", **QUESTION_TYPES}, validators=[Optional()])
    count = IntegerField("题数", validators=[Optional(), NumberRange(min=1, max=500, message="题数应在 1–500 之间。")])
    points = DecimalField("每题分值", places=2, validators=[Optional(), NumberRange(min=0.5, max=100)])
    regulation = StringField("出处（可选，如：纪律处分条例）", validators=[Optional(), Length(max=200)])
    difficulty = SelectField("难度", choices={"": "不限", **{str(d): str(d) for d in range(1, 6)}},
                             validators=[Optional()])
    #: one of the banks the test may draw from; the view sets the choices (a campaign's test only)
    bank = SelectField("题库", choices={"": "全部可用题库"}, validators=[Optional()], validate_choice=False)


class PlanForm(BaseForm):
    tier_id = SelectField("干部层级", coerce=int)
    duration_minutes = IntegerField("答题时长（分钟）", validators=[InputRequired("请填写答题时长。"),
                                                              NumberRange(min=1, max=600)])
    pass_mark = DecimalField("及格分", places=2, validators=[InputRequired("请填写及格分。"), NumberRange(min=0)])
    multiple_scoring = SelectField("多选题计分", choices=dict(SCORING))
    sections = FieldList(FormField(SectionForm), min_entries=6, max_entries=20)
    submit = SubmitField("保存试卷方案")


def plan_row(section: dict, allowed: list[int] | None = None) -> dict:
    """A stored plan section as a form row; its bank shown only when it names one of several."""
    banks = section.get("banks") or []
    one = str(banks[0]) if len(banks) == 1 and (allowed is None or len(allowed) > 1) else ""
    return {"qtype": section["qtype"], "count": section["count"], "points": section["points"],
            "regulation": section.get("regulation") or "", "difficulty": str(section.get("difficulty") or ""),
            "bank": one}


def plan_form(existing_plans, allowed: list[int] | None, bank_choices) -> "PlanForm":
    """The plan form of one tier, a test's or a campaign's default: on a GET of ?tier= filled
    from that tier's plan among ``existing_plans``; each row's bank chosen from ``bank_choices``."""
    from flask import request

    from ..roster.services import tiers

    form = PlanForm()
    if request.method == "GET":
        tier_id = request.args.get("tier", type=int)
        existing = next((p for p in existing_plans if p.tier_id == tier_id), None)
        if existing:
            form = PlanForm(formdata=None, tier_id=existing.tier_id, duration_minutes=existing.duration_minutes,
                            pass_mark=existing.pass_mark, multiple_scoring=existing.multiple_scoring,
                            sections=[plan_row(s, allowed) for s in existing.sections] + [{}] * 2)
        elif tier_id:
            form.tier_id.data = tier_id
    form.tier_id.choices = {t.id: t.name for t in tiers()}
    for row in form.sections:
        row.bank.choices = bank_choices
    return form
