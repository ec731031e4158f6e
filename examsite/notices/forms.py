from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms import BaseForm
from .services import INTRO_MAX, REASON_MAX, TITLE_MAX


class NoticeForm(BaseForm):
    title = StringField("标题", validators=[DataRequired(message="请填写通报标题。"), Length(max=TITLE_MAX)])
    intro = TextAreaField("导语", validators=[Length(max=INTRO_MAX)])
    include_units = BooleanField("各单位情况表和及格率图")
    include_tiers = BooleanField("各层级情况表")
    include_chart = BooleanField("成绩分布图")
    include_failed = BooleanField("不及格人员名单")
    include_absent = BooleanField("未参加人员名单")
    supersedes = SelectField("更正", coerce=int, default=0)


class WithdrawForm(BaseForm):
    reason = StringField("撤回原因", validators=[DataRequired(message="请填写撤回原因。"), Length(max=REASON_MAX)])
