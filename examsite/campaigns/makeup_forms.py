"""Forms of the make-up page: an exemption, taking one back, the make-up test and its window."""
from flask_wtf.file import FileField
from wtforms import DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..exams.forms import LOCAL_FORMAT
from ..forms import BaseForm
from .makeup import EXEMPTION_KINDS, REASON_MAX, TITLE_MAX


class ExemptionForm(BaseForm):
    staff_id = SelectField("人员", coerce=int,
                           validators=[InputRequired("请选择要免测的人员。")])
    kind = SelectField("类别", choices={k: k for k in EXEMPTION_KINDS})
    reason = TextAreaField("书面理由", validators=[DataRequired("请填写免测的书面理由。"), Length(max=REASON_MAX)])
    attachment = FileField("证明材料（可选：PDF、JPEG 或 PNG，不超过 5 MB）")


class RemoveExemptionForm(BaseForm):
    reason = StringField("撤销原因", validators=[DataRequired("请填写撤销免测的原因。"), Length(max=REASON_MAX)])


class MakeupForm(BaseForm):
    """A new make-up test, or a make-up's own title and window."""

    title = StringField("补测名称", validators=[Optional(), Length(max=TITLE_MAX)])
    opens_at = DateTimeLocalField("开始时间", format=LOCAL_FORMAT, validators=[InputRequired("请填写开始时间。")])
    closes_at = DateTimeLocalField("结束时间", format=LOCAL_FORMAT, validators=[InputRequired("请填写结束时间。")])
