"""The engine: definitions, conditions, answers and scoring. Pure Python, no database."""

from __future__ import annotations

import pytest

from imroc.surveys import engine

AGREE = [{"code": str(w), "display": f"Option {w}", "weight": w} for w in range(0, 5)]


def _definition(items=None, scoring=None):
    items = items or [
        {
            "link_id": f"q{n}",
            "type": "choice",
            "text": f"Statement {n}",
            "required": True,
            "options": AGREE,
        }
        for n in range(1, 6)
    ]
    return engine.normalise({"items": items, "scoring": scoring})


def test_sum_mean_and_range():
    d = _definition(scoring={"method": "sum"})
    assert engine.score_range(d) == (0, 20)
    assert engine.score(d, {f"q{n}": "3" for n in range(1, 6)}).total == 15
    mean = _definition(scoring={"method": "mean"})
    assert engine.score(mean, {"q1": "4", "q2": "2", "q3": "3", "q4": "3", "q5": "3"}).total == 3


def test_pro_rating_only_within_the_rule():
    d = _definition(scoring={"method": "sum", "prorate_max_missing": 1})
    one_missing = engine.score(d, {"q1": "4", "q2": "4", "q3": "2", "q4": "2"})
    assert one_missing.total == 15  # mean 3 stands in for the missing answer: 12 * 5 / 4
    assert one_missing.prorated and one_missing.missing == 1
    two_missing = engine.score(d, {"q1": "4", "q2": "4", "q3": "2"})
    assert two_missing.total is None and two_missing.missing == 2
    strict = _definition(scoring={"method": "sum"})
    assert engine.score(strict, {"q1": "4", "q2": "4", "q3": "2", "q4": "2"}).total is None


def test_reverse_scoring_and_bands():
    d = _definition(scoring={"method": "sum", "reverse": ["q5"], "bands": [
        {"min": 0, "max": 9, "label": "Low"}, {"min": 10, "max": 20, "label": "High"}]})  # fmt: skip
    result = engine.score(d, {"q1": "4", "q2": "4", "q3": "0", "q4": "0", "q5": "4"})
    assert result.total == 8  # q5: 4 counts as 0
    assert result.band == "Low"
    assert engine.score(d, {"q1": "4", "q2": "4", "q3": "1", "q4": "1", "q5": "0"}).band == "High"


def test_subscales():
    d = _definition(scoring={"method": "sum", "subscales": [
        {"key": "a", "label": "First", "method": "mean", "items": ["q1", "q2"]},
        {"key": "b", "label": "Second", "items": ["q3", "q4", "q5"]}]})  # fmt: skip
    result = engine.score(d, {"q1": "4", "q2": "2", "q3": "1", "q4": "1", "q5": "1"})
    assert result.subscales == {"a": 3, "b": 3}


@pytest.mark.parametrize(
    ("items", "scoring", "message"),
    [
        ([{"link_id": "a", "type": "slider", "text": "x"}], None, "unknown type “slider”"),
        ([{"link_id": "a", "type": "choice", "text": "x"}], None, "no options"),
        (
            [
                {"link_id": "a", "type": "integer", "text": "x"},
                {"link_id": "a", "type": "integer", "text": "y"},
            ],
            None,
            "used twice",
        ),
        (
            [
                {
                    "link_id": "a",
                    "type": "integer",
                    "text": "x",
                    "enable_when": [{"question": "zz", "operator": "=", "answer": 1}],
                }
            ],
            None,
            "does not exist",
        ),
        (
            [{"link_id": "a", "type": "integer", "text": "x"}],
            {"method": "sum", "items": ["b"]},
            "not a question",
        ),
        (
            [{"link_id": "a", "type": "integer", "text": "x", "min": 5, "max": 1}],
            None,
            "minimum is more",
        ),
        (
            [{"link_id": "a", "type": "integer", "text": "x", "min": 0, "max": 4}],
            {
                "method": "sum",
                "bands": [{"min": 0, "max": 3, "label": "A"}, {"min": 2, "max": 4, "label": "B"}],
            },
            "overlap",
        ),
        (
            [{"link_id": "a", "type": "text", "text": "x"}],
            {"method": "sum", "items": ["a"]},
            "cannot be scored",
        ),
    ],
)
def test_bad_definitions_are_refused_with_a_clear_message(items, scoring, message):
    with pytest.raises(engine.DefinitionError) as error:
        engine.normalise({"items": items, "scoring": scoring})
    assert any(message in p for p in error.value.problems), error.value.problems


def test_circular_enable_when_is_refused():
    items = [
        {
            "link_id": "a",
            "type": "boolean",
            "text": "A?",
            "enable_when": [{"question": "c", "operator": "=", "answer": True}],
        },
        {
            "link_id": "b",
            "type": "boolean",
            "text": "B?",
            "enable_when": [{"question": "a", "operator": "=", "answer": True}],
        },
        {
            "link_id": "c",
            "type": "boolean",
            "text": "C?",
            "enable_when": [{"question": "b", "operator": "exists", "answer": True}],
        },
    ]
    with pytest.raises(engine.DefinitionError) as error:
        engine.normalise({"items": items})
    assert "go round in a circle" in str(error.value)
    own = [{"link_id": "a", "type": "boolean", "text": "A?", "enable_when": [{"question": "a", "operator": "exists", "answer": True}]}]  # fmt: skip
    with pytest.raises(engine.DefinitionError):
        engine.normalise({"items": own})
    # A question inside a group may not switch its own group on.
    grouped = [{"link_id": "g", "type": "group", "text": "G", "enable_when": [{"question": "x", "operator": "exists", "answer": True}],
                "items": [{"link_id": "x", "type": "boolean", "text": "X?"}]}]  # fmt: skip
    with pytest.raises(engine.DefinitionError, match="circle"):
        engine.normalise({"items": grouped})


def test_enable_when_hides_answers_and_requirements():
    d = engine.normalise({"items": [
        {"link_id": "any", "type": "boolean", "text": "Anything?", "required": True},
        {"link_id": "what", "type": "text", "text": "What?", "required": True,
         "enable_when": [{"question": "any", "operator": "=", "answer": True}]},
    ]})  # fmt: skip
    no = engine.check_answers(d, {"any": "false", "what": "ignored"}, final=True)
    assert no.answers == {"any": False} and not no.errors
    yes = engine.check_answers(d, {"any": "true"}, final=True)
    assert yes.errors == {"what": "Answer this question."}


@pytest.mark.parametrize(
    ("kind", "extra", "raw", "message"),
    [
        ("integer", {"min": 0, "max": 10}, "11", "from 0 to 10"),
        ("integer", {}, "two", "whole number"),
        ("decimal", {}, "nan", "number"),
        ("date", {}, "2024-02-30", "real date"),
        ("choice", {"options": AGREE}, "9", "options shown"),
        ("boolean", {}, "maybe", "yes or no"),
        ("text", {"max_length": 5}, "far too long", "5 characters"),
    ],
)
def test_out_of_range_answers_get_a_message(kind, extra, raw, message):
    d = engine.normalise({"items": [{"link_id": "a", "type": kind, "text": "Q", **extra}]})
    checked = engine.check_answers(d, {"a": raw}, final=True)
    assert message in checked.errors["a"]
    assert "a" not in checked.answers
