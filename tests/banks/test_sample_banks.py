"""The banks shipped in question_banks/ parse cleanly, in every format, all four types."""
from pathlib import Path

import pytest

from examsite.banks.readers import parse_bank

FOLDER = Path(__file__).resolve().parents[2] / "question_banks"
FILES = sorted(p for p in FOLDER.iterdir() if p.suffix in (".docx", ".txt", ".xlsx"))


def test_there_are_banks_in_every_format_with_300_questions():
    assert {p.suffix for p in FILES} == {".docx", ".txt", ".xlsx"}
    total = sum(len(parse_bank(p.name, p.read_bytes()).questions) for p in FILES)
    assert total >= 300


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_sample_bank_parses_without_errors(path):
    result = parse_bank(path.name, path.read_bytes())
    assert result.errors == [], [str(e) for e in result.errors]
    assert {q.type for q in result.questions} == {"single", "multiple", "judge", "fill"}
    assert all(q.source for q in result.questions)
    assert not [w for w in result.warnings if "重复" in w.message]


def test_a_gbk_bank_is_shipped():
    data = (FOLDER / "中华人民共和国监察法.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert "监察委员会" in data.decode("gbk")
