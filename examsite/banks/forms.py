from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import BaseForm


class BankUploadForm(BaseForm):
    file = FileField("题库文件（.docx、.txt、.xlsx 或 .pdf）", validators=[FileRequired("请选择要上传的文件。")])
    submit = SubmitField("上传并预览")


class BankConfirmForm(BaseForm):
    upload_id = HiddenField()
    name = StringField("题库名称", validators=[DataRequired("请填写题库名称。"), Length(max=200)])
    description = TextAreaField("说明（可选）", validators=[Optional(), Length(max=2000)])
    import_anyway = BooleanField("仍然导入（我已核对：这个文件确实需要再导入一次）")
    marks_checked = BooleanField("已核对：按字体标记识别的答案都是正确答案")
    submit = SubmitField("确认导入")


class QuestionForm(BaseForm):
    stem = TextAreaField("题干", validators=[DataRequired("题干不能为空。")])
    options = TextAreaField("选项（每行一个，不写 A. B. 标号）")
    answer = StringField("答案", validators=[DataRequired("请填写答案。")])
    explanation = TextAreaField("解析")
    source = StringField("出处", validators=[Length(max=200)])
    difficulty = StringField("难度（1–5 或 易/中/难，可不填）", validators=[Length(max=10)])
    submit = SubmitField("保存")
