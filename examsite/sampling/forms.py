from wtforms import (
    BooleanField,
    DecimalField,
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

from ..exams.forms import UnitTreeField
from ..forms import BaseForm


class DrawForm(BaseForm):
    units = UnitTreeField("范围：单位（不选为全部单位）", key="path", validators=[Optional()])
    subunits = BooleanField("含下级单位（勾选一个单位时连同它的下级单位）", default=True)
    tiers = SelectMultipleField("干部层级（不选为全部层级）", validators=[Optional()],
                                invalid_choice_message="没有这个干部层级（%(value)s），请刷新页面后重新勾选。")
    positions = StringField("职务包含（可选，多个词用空格分开，如：科长 所长）", validators=[Optional(), Length(max=200)])
    method = RadioField("抽取方式", choices={"size": "总人数", "per_unit": "每个单位人数", "proportion": "每个单位按比例"},
                        default="size")
    amount = DecimalField("人数或比例（比例如 0.1 表示 10%）", places=4,
                          validators=[InputRequired("请填写人数或比例。"), NumberRange(min=0)])
    stratify = BooleanField("总人数按各单位人数比例分配（分层抽样）")
    at_least_one = BooleanField("每个单位至少抽 1 人")
    exclude_days = IntegerField("排除最近多少天内已被抽中的人（0 为不排除）", default=0,
                                validators=[Optional(), NumberRange(min=0, max=3650)])
    exclude_exam = SelectField("排除已分配到这个抽测的人", coerce=int, default=0)
    seed = StringField("种子（可选：如事先公布的数字或当天的开奖号码；不填则由系统随机生成）",
                       validators=[Optional(), Length(max=200)])
    trial_seed = HiddenField()  # the seed a trial used, carried to its confirmation
    trial_key = HiddenField()  # services.trial_key() of the trial's conditions and seed
    trial_hash = HiddenField()  # the trial's population hash
    trial = SubmitField("试抽（不保存）")
    confirm = SubmitField("确认保存")
    submit = SubmitField("直接抽取并保存")


class AssignForm(BaseForm):
    exam_id = SelectField("分配到抽测", coerce=int)
    submit = SubmitField("分配")


class VoidForm(BaseForm):
    reason = TextAreaField("作废原因", validators=[DataRequired("作废必须写明原因。"), Length(max=1000)])
    submit = SubmitField("作废这次抽取")


class CodeLoginForm(BaseForm):
    staff_no = StringField("工号", validators=[DataRequired("请输入工号。"), Length(max=40)])
    code = StringField("访问码（登录条上的 8 位字母数字）", validators=[DataRequired("请输入访问码。"), Length(max=20)])
    submit = SubmitField("进入测试")
