from wtforms import BooleanField, PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from ..forms import BaseForm


class LoginForm(BaseForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名。"), Length(max=60)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码。")])
    remember = BooleanField("在这台电脑上保持登录")
    submit = SubmitField("登录")


class PasswordForm(BaseForm):
    current = PasswordField("当前密码", validators=[DataRequired("请输入当前密码。"), Length(max=128)])
    password = PasswordField("新密码（至少 8 位）", validators=[DataRequired("请输入新密码。"), Length(min=8, max=128)])
    confirm = PasswordField("再输入一次", validators=[EqualTo("password", "两次输入的密码不一样。")])
    submit = SubmitField("设置密码")


class ReasonForm(BaseForm):
    """A button that changes an account, with an optional reason for the log."""
    reason = StringField("原因（记入操作日志）", validators=[Optional(), Length(max=200)])


class AccountForm(BaseForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名。"), Length(max=60)])
    display_name = StringField("姓名", validators=[DataRequired("请输入姓名。"), Length(max=60)])
    role = RadioField("角色", choices={"liaison": "单位联络员（只管本单位及下属单位）", "admin": "考试管理员"},
                      default="liaison", validators=[DataRequired("请选择角色。")])
    unit_id = SelectField("所属单位", coerce=int, validate_choice=True)
    submit = SubmitField("新建账号")


class SlipForm(BaseForm):
    """Login slips of one unit (with its sub-units) for a test."""
    unit_id = SelectField("单位（含下属单位）", coerce=int, validate_choice=True)
    format = RadioField("格式", choices={"xlsx": "Excel 表格", "print": "打印页（每人一张，可裁开）"}, default="print")
    submit = SubmitField("生成登录条")
