"""Forms shared by several features, and the base every examsite form uses."""
from flask_wtf import FlaskForm


class BaseForm(FlaskForm):
    """A Flask-WTF form whose built-in messages (too long, out of range …) are in Chinese."""

    class Meta:
        locales = ["zh"]


class ActionForm(BaseForm):
    """A bare form for buttons that post (retire, copy, submit …): the CSRF token only."""
