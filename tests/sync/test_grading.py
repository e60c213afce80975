"""The grade formulas (sync.grading) on worked examples, and the tit-for-tat rule."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.assessment import Criterion
from sync.grading import ReviewFacts, agreement, peer_score, reviewing_grade, suggested_grade

RUBRIC = (Criterion("clarity", "", 4, (), 2), Criterion("method", "", 2, ("no", "partly", "yes"), 1))


def test_the_peer_score_is_the_weighted_mean_of_per_criterion_medians() -> None:
    reviews = [{"clarity": 4, "method": 2}, {"clarity": 2, "method": 1}, {"clarity": 0, "method": 2}]
    # medians: clarity 2/4 = 0.5, method 2/2 = 1.0; weights 2 and 1
    assert peer_score(reviews, RUBRIC) == pytest.approx(100 * (2 * 0.5 + 1 * 1.0) / 3)
    assert peer_score([], RUBRIC) is None


def test_one_outlier_does_not_move_the_median() -> None:
    honest = [{"clarity": 3, "method": 1}, {"clarity": 3, "method": 1}]
    assert peer_score([*honest, {"clarity": 0, "method": 0}], RUBRIC) == peer_score(
        [*honest, {"clarity": 4, "method": 2}], RUBRIC
    )


def test_agreement_is_leave_one_out_and_includes_the_teacher() -> None:
    review = ReviewFacts(b"r", b"s", {"clarity": 4, "method": 2})
    assert agreement(review, [{"clarity": 4, "method": 2}], RUBRIC) == (1.0, False)
    value, harsh = agreement(review, [{"clarity": 0, "method": 0}], RUBRIC)
    assert value == pytest.approx(0.0) and not harsh
    value, _ = agreement(review, [], RUBRIC, teacher_grade=50)
    assert value == pytest.approx(0.5)


def test_a_low_rating_answering_a_harsh_score_is_left_out() -> None:
    harsh = ReviewFacts(b"r", b"s", {"clarity": 1, "method": 0}, ratings=(1,))
    others = [
        ReviewFacts(b"o1", b"s", {"clarity": 3, "method": 2}),
        ReviewFacts(b"o2", b"s", {"clarity": 3, "method": 2}),
    ]
    without_rating = ReviewFacts(b"r", b"s", {"clarity": 1, "method": 0})
    assert reviewing_grade(b"r", [harsh, *others], RUBRIC) == reviewing_grade(
        b"r", [without_rating, *others], RUBRIC
    )
    # A high rating of the same review does count.
    liked = ReviewFacts(b"r", b"s", {"clarity": 1, "method": 0}, ratings=(5,))
    assert reviewing_grade(b"r", [liked, *others], RUBRIC) > reviewing_grade(
        b"r", [without_rating, *others], RUBRIC
    )
    # A low rating of a review in line with the others counts against its writer.
    fair = ReviewFacts(b"o1", b"s", {"clarity": 3, "method": 2}, ratings=(1,))
    assert reviewing_grade(b"o1", [fair, others[1], harsh], RUBRIC) < reviewing_grade(
        b"o1", [*others, harsh], RUBRIC
    )


@given(
    st.lists(st.tuples(st.integers(0, 4), st.integers(0, 2)), min_size=2, max_size=6),
    st.integers(1, 5),
)
def test_retaliating_never_lowers_a_harsh_reviewers_grade(scores: list[tuple[int, int]], rating: int) -> None:
    reviews = [ReviewFacts(bytes([n]), b"s", {"clarity": c, "method": m}) for n, (c, m) in enumerate(scores)]
    target = reviews[0]
    _, harsh = agreement(target, [r.scores for r in reviews[1:]], RUBRIC)
    rated = ReviewFacts(target.reviewer, b"s", target.scores, ratings=(rating,))
    before = reviewing_grade(target.reviewer, reviews, RUBRIC)
    after = reviewing_grade(target.reviewer, [rated, *reviews[1:]], RUBRIC)
    assert before is not None and after is not None
    if harsh and rating <= 2:
        assert after == pytest.approx(before)
    assert 0 <= after <= 100


def test_the_suggested_grade_weighs_the_peer_score_and_the_reviewing_grade() -> None:
    assert suggested_grade(90, 40, 80) == pytest.approx(80)
    assert suggested_grade(90, None, 80) == 90
    assert suggested_grade(None, 40, 80) is None
