"""Forms shared by several features."""
from flask_wtf import FlaskForm


class ActionForm(FlaskForm):
    """A bare form for buttons that post (retire, copy, submit …): the CSRF token only."""
