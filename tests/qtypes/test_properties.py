"""Every type against arbitrary responses: what a type accepts it can grade and write for people,
and what it grades is never worth less than nothing or more than the question."""
from hypothesis import given, settings
from hypothesis import strategies as st

from examsite import qtypes
from examsite.banks.parsed import LETTERS
from examsite.exams.grading import ALL_OR_NOTHING, PARTIAL, grade, shape_of, valid_response
from examsite.results.labels import UNANSWERED, key_label, response_label

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=3), children, max_size=3),
    max_leaves=8,
)


@st.composite
def items(draw):
    """A paper item of any stored type, with a key it could have been settled with."""
    qtype = draw(st.sampled_from(list(qtypes.REGISTRY)))
    kind = qtypes.get(qtype)
    options, answer = [], None
    if kind.has_options:
        count = draw(st.integers(2, len(LETTERS)))
        options = [f"选项{n}" for n in range(count)]
        letters = draw(st.sets(st.sampled_from(LETTERS[:count]), min_size=1, max_size=1 if qtype == "single" else count))
        answer = "".join(sorted(letters))
    elif qtype == "judge":
        answer = draw(st.booleans())
    else:
        word = st.text(alphabet="纪律规矩党章监察五5", min_size=1, max_size=5)
        answer = draw(st.lists(word | st.lists(word, min_size=2, max_size=3), min_size=1, max_size=4))
    order = draw(st.permutations(range(len(options))))
    return {"id": 1, "type": qtype, "stem": "题干", "options": options, "order": list(order), "answer": answer,
            "points": 4}


@settings(max_examples=400, deadline=None)
@given(items(), JSON, st.sampled_from([ALL_OR_NOTHING, PARTIAL]))
def test_any_response_is_checked_and_what_is_valid_is_graded_and_labelled(item, response, scoring):
    shape = shape_of(item)
    ok = valid_response(shape, response)
    assert isinstance(ok, bool)
    label = response_label(item["type"], response)
    assert isinstance(label, str) and label
    if not ok or response is None:
        return
    mark = grade(item["type"], item["answer"], response, 4.0, scoring)
    assert 0 <= mark.points <= 4 and (mark.points == 4) is mark.correct
    if qtypes.get(item["type"]).has_options:
        assert label == UNANSWERED or set(label) <= set(LETTERS[:shape.options])


@settings(max_examples=200, deadline=None)
@given(items())
def test_the_key_itself_earns_full_marks_and_reads_without_brackets(item):
    kind = qtypes.get(item["type"])
    key = item["answer"]
    perfect = [a if isinstance(a, str) else a[-1] for a in key] if kind.response == "text" else key
    assert valid_response(shape_of(item), perfect)
    mark = grade(item["type"], key, perfect, 4.0)
    assert mark.points == 4 and mark.correct
    label = key_label(item["type"], key)
    assert label and not any(mark in label for mark in ("[", "]", "'", '"', "True", "False", "None"))
    if kind.response == "truth":
        assert label in ("正确", "错误")
