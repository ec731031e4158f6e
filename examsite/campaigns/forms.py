from wtforms import BooleanField, DateTimeLocalField, DecimalField, RadioField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..exams.forms import LOCAL_FORMAT, UnitTreeField
from ..forms import BaseForm
from .counting import RULES


def _percent(label: str, message: str, default: float):
    return DecimalField(label, places=2, default=default, validators=[
        InputRequired(message), NumberRange(min=0, max=100, message="应在 0 到 100 之间。")])


class CampaignForm(BaseForm):
    title = StringField("活动名称", validators=[DataRequired("请填写活动名称。"), Length(max=200)])
    description = TextAreaField("说明", validators=[Optional(), Length(max=2000)])
    starts_at = DateTimeLocalField("开始时间", format=LOCAL_FORMAT, validators=[InputRequired("请填写开始时间。")])
    ends_at = DateTimeLocalField("结束时间", format=LOCAL_FORMAT, validators=[InputRequired("请填写结束时间。")])
    report_due = DateTimeLocalField("报送截止时间（各单位在此之前向区纪委报送成绩汇总表）", format=LOCAL_FORMAT,
                                    validators=[InputRequired("请填写报送截止时间。")])
    units = UnitTreeField("参加单位（各单位的党组织为本单位及下属单位的干部组织测试；参加单位不能互相包含）", coerce=int,
                          validators=[DataRequired("请至少选择一个参加单位。")])
    #: only how the picker ticks (a campaign's units are rarely a unit and its sub-units); not stored
    pick_subunits = BooleanField("勾选单位时一并勾选其下级单位", default=False)
    #: the district's banks (the view sets the choices)
    banks = SelectMultipleField("单位测试可以抽题的题库（区纪委的题库）", coerce=int, validators=[Optional()])
    band_excellent = _percent("优秀线（百分制）", "请填写优秀线。", 90)
    band_good = _percent("良好线（百分制）", "请填写良好线。", 80)
    band_pass = _percent("合格线（百分制，仅作说明：是否合格以试卷方案的及格分为准）", "请填写合格线。", 60)
    makeup_rule = RadioField("补测成绩", choices=dict(RULES), default="replace_capped")
    flag_pass_rate = _percent("合格率低于多少（%）的单位提示重新组织测试", "请填写合格率提示线。", 90)
    flag_participation = _percent("参考率低于多少（%）的单位提示（测试结束后）", "请填写参考率提示线。", 90)
    flag_gap = _percent("自测平均分比抽测高出多少分（百分制）时提示", "请填写平均分差距提示线。", 15)
    submit = SubmitField("保存")
