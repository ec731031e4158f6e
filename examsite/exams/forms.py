from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    FieldList,
    Form,
    FormField,
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
from .plans import MODES, SCORE_SHOWN, SCORING

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class ExamForm(BaseForm):
    title = StringField("测试名称", validators=[DataRequired("请填写测试名称。"), Length(max=200)])
    description = TextAreaField("说明（考生在开始答题前看到）", validators=[Optional(), Length(max=2000)])
    mode = RadioField("测试方式", choices=dict(MODES), default="all")
    opens_at = DateTimeLocalField("开始时间", format=LOCAL_FORMAT, validators=[InputRequired("请填写开始时间。")])
    closes_at = DateTimeLocalField("结束时间", format=LOCAL_FORMAT, validators=[InputRequired("请填写结束时间。")])
    units = SelectMultipleField("参加单位（含下级单位；不选则为全部单位）", coerce=int, validators=[Optional()])
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


class PlanForm(BaseForm):
    tier_id = SelectField("干部层级", coerce=int)
    duration_minutes = IntegerField("答题时长（分钟）", validators=[InputRequired("请填写答题时长。"),
                                                              NumberRange(min=1, max=600)])
    pass_mark = DecimalField("及格分", places=2, validators=[InputRequired("请填写及格分。"), NumberRange(min=0)])
    multiple_scoring = SelectField("多选题计分", choices=dict(SCORING))
    sections = FieldList(FormField(SectionForm), min_entries=6, max_entries=20)
    submit = SubmitField("保存试卷方案")
