"""A unit's report (报送) of its self-test results: the 成绩汇总表, submitting, the signed scan."""
from flask import Blueprint

from ..extensions import posts_lock_first

bp = Blueprint("reports", __name__, url_prefix="/campaigns")
posts_lock_first(bp)
