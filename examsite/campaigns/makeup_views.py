"""Make-up tests (补测): who failed or missed a closed test, exemptions, the make-up in one step."""
from flask import Blueprint

from ..extensions import posts_lock_first

bp = Blueprint("makeups", __name__, url_prefix="/exams")
posts_lock_first(bp)
