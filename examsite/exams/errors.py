"""The errors the test services raise; their messages are for the user."""


class ExamError(ValueError):
    """A request about tests that cannot be carried out; the message is for the user."""


class LateSave(ExamError):
    """A write after the attempt was closed or its deadline passed."""
