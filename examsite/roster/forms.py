from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from ..forms import BaseForm


class RosterUploadForm(BaseForm):
    file = FileField("花名册文件（.xlsx 或 .csv）", validators=[FileRequired("请选择要上传的文件。")])
    submit = SubmitField("导入")


class UnitForm(BaseForm):
    name = StringField("单位名称", validators=[DataRequired("请填写单位名称。"), Length(max=100)])
    parent_id = SelectField("上级单位", coerce=int, default=0)
    submit = SubmitField("添加单位")


class TierForm(BaseForm):
    name = StringField("层级名称", validators=[DataRequired("请填写层级名称。"), Length(max=40)])
    submit = SubmitField("添加层级")
