from datetime import datetime

import pytest

from examsite import clock

from .. import factories

START = datetime(2026, 6, 10, 1, 0)


@pytest.fixture
def sat(db):
    """The small test of factories.small_test(), taken at START, with an admin and a liaison
    of 东岗镇."""
    clock.freeze(START)
    exam, people = factories.small_test()
    factories.user("admin")
    factories.user("liaison", role="liaison", unit_path="城南区/东岗镇")
    return exam, people
