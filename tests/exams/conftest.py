"""Fixtures shared by the tests of the autosave: how many requests reached Flask, and the two
ways a save is stored."""
import pytest
from flask import request_started

from examsite.exams.gate import AutosaveGate


@pytest.fixture
def requests_built(app):
    """How many requests reached Flask (a save the gate stored never does)."""
    built = []
    record = lambda sender, **extra: built.append(sender)  # noqa: E731
    request_started.connect(record, app)
    yield built
    request_started.disconnect(record, app)


@pytest.fixture(params=["gate", "full"])
def way(request, monkeypatch):
    """"gate": the app as served (the gate in front of Flask); "full": the gate passes every
    save on, so the save view alone stores it and checks the token."""
    if request.param == "full":
        monkeypatch.setattr(AutosaveGate, "_quick", lambda *args: None)
    return request.param
