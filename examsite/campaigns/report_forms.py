"""The forms of a unit's report page: submitting (the CSRF token only), the scan, returning."""
from flask_wtf.file import FileField, FileRequired
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms import BaseForm
from .reports import REASON_MAX


class ScanForm(BaseForm):
    file = FileField("签字盖章后的汇总表扫描件（PDF、JPEG 或 PNG，不超过 10 MB）",
                     validators=[FileRequired("请选择要上传的扫描件。")])


class ReturnForm(BaseForm):
    reason = TextAreaField("退回原因", validators=[DataRequired("请填写退回原因。"),
                                               Length(max=REASON_MAX, message=f"退回原因最多 {REASON_MAX} 个字。")])
