"""Benchmark: parse and import a 5,000-question bank, as .txt and as .docx.

    .venv/bin/python bench/bank_import.py [--questions 5000]

Targets on a 2-core machine: parse under 2 s, import into SQLite under 3 s.
The import runs against a fresh, migrated SQLite database in a temporary folder.
"""
import argparse
import io
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import docx  # noqa: E402

from examsite import create_app  # noqa: E402
from examsite.banks.readers import parse_bank  # noqa: E402
from examsite.banks.services import import_bank  # noqa: E402
from examsite.extensions import db  # noqa: E402

WORDS = list("党员干部纪律规矩监督组织廉洁群众工作生活政治思想国家机关人民法规条例责任问题处分")


def make_lines(count: int, rng: random.Random) -> list[str]:
    """A bank in the formats offices use, mixed: sections, inline answers, several options a line."""
    lines = []
    kinds = ["single", "multiple", "judge", "fill"]
    per_kind = count // len(kinds)
    number = 0
    for index, kind in enumerate(kinds):
        lines.append(f"{'一二三四'[index]}、{['单项选择题', '多项选择题', '判断题', '填空题'][index]}（每题2分）")
        for _ in range(per_kind if index < 3 else count - 3 * per_kind):
            number += 1
            stem = "".join(rng.choice(WORDS) for _ in range(rng.randint(15, 40)))
            if kind in ("single", "multiple"):
                answer = rng.choice("ABCD") if kind == "single" else "".join(sorted(rng.sample("ABCD", 2)))
                lines.append(f"{number}．{stem}（ {answer} ）" if number % 2 else f"{number}、{stem}（  ）")
                options = [f"{l}．" + "".join(rng.choice(WORDS) for _ in range(6)) for l in "ABCD"]
                lines.append("　".join(options[:2]))
                lines.append("　".join(options[2:]))
                if number % 2 == 0:
                    lines.append(f"答案：{answer}")
            elif kind == "judge":
                lines.append(f"{number}．{stem}（{rng.choice('√×')}）")
            else:
                lines.append(f"{number}．{stem}________{stem[:5]}。")
                lines.append("答案：" + "".join(rng.choice(WORDS) for _ in range(3)))
            lines.append("解析：" + "".join(rng.choice(WORDS) for _ in range(20)))
            lines.append("出处：中国共产党纪律处分条例")
    return lines


def make_docx(lines: list[str]) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def timed(label: str, function):
    start = time.perf_counter()
    value = function()
    print(f"{label:<34} {time.perf_counter() - start:6.2f} s")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=5000)
    args = parser.parse_args()
    lines = make_lines(args.questions, random.Random(5000))
    text = ("\n".join(lines)).encode("gbk")
    document = timed("build .docx (not measured)", lambda: make_docx(lines))
    print(f"{args.questions} questions: .txt {len(text) / 1e6:.1f} MB (GBK), .docx {len(document) / 1e6:.1f} MB")

    parsed_txt = timed("parse .txt", lambda: parse_bank("bench.txt", text))
    parsed_docx = timed("parse .docx", lambda: parse_bank("bench.docx", document))
    for name, result in (("txt", parsed_txt), ("docx", parsed_docx)):
        assert not result.errors, result.errors[:3]
        assert len(result.questions) == args.questions, (name, len(result.questions))

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()

            def import_and_commit():
                import_bank("基准题库", "bench.txt", parsed_txt)
                db.session.commit()

            timed("import into SQLite (commit included)", import_and_commit)


if __name__ == "__main__":
    main()
