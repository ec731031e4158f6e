from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from ..forms import BaseForm


class LoginForm(BaseForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名。"), Length(max=60)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码。")])
    remember = BooleanField("在这台电脑上保持登录")
    submit = SubmitField("登录")


class PasswordForm(BaseForm):
    password = PasswordField("新密码（至少 8 位）", validators=[DataRequired("请输入新密码。"), Length(min=8, max=128)])
    confirm = PasswordField("再输入一次", validators=[EqualTo("password", "两次输入的密码不一样。")])
    submit = SubmitField("设置密码")
