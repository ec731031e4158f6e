from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from ..forms import BaseForm


class RosterUploadForm(BaseForm):
    file = FileField("花名册文件（.xlsx 或 .csv）", validators=[FileRequired("请选择要上传的文件。")])
    submit = SubmitField("上传并预览")


class RosterConfirmForm(BaseForm):
    create_units = BooleanField("确认新建以上单位")
    mark_leaving = BooleanField("把不在文件中的这些人员标为离岗（人员记录保留）")
    submit = SubmitField("确认导入")


class RankForm(BaseForm):
    rank = StringField("职级或职务", validators=[DataRequired("请填写职级或职务。"), Length(max=40)])
    tier_id = SelectField("干部层级", coerce=int)
    submit = SubmitField("添加对应")


class UnitForm(BaseForm):
    name = StringField("单位名称", validators=[DataRequired("请填写单位名称。"), Length(max=100)])
    parent_id = SelectField("上级单位", coerce=int, default=0)
    submit = SubmitField("添加单位")


class TierForm(BaseForm):
    name = StringField("层级名称", validators=[DataRequired("请填写层级名称。"), Length(max=40)])
    submit = SubmitField("添加层级")
