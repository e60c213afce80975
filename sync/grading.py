"""Grades from peer assessment, as pure functions (docs/protocol.md, "Grades").

Scores are first normalised per criterion to 0..1 (score / the criterion's top score).

- **Peer score** of a submission (0..100): per criterion, the median of its reviewers'
  normalised scores; then the mean of those medians weighted by the rubric's weights.
  A median needs half the reviewers to collude before it moves.
- **Agreement** of one review (0..1): 1 − the weighted mean distance between its
  normalised scores and the median of the *other* reviewers of the same version
  (leave-one-out, so a reviewer never agrees with themselves); where the teacher graded
  the submission, also 1 − |the review's overall score − the teacher's grade|, and the
  two are averaged.
- **Helpfulness** of a reviewer (0..1): (mean rating − 1) / 4 over the ratings their
  reviews received — except that a low rating (≤ 2) of a review that scored the work
  *below* the other reviewers' consensus is left out. That is the tit-for-tat case (an
  author answering a low score with a low rating); the divergence itself is already
  charged by the agreement term, so the retaliation gains the author nothing, and an
  honest low rating of a harsh, unhelpful review costs the reviewer through agreement.
- **Reviewing grade** (0..100): 100 × (0.7 × mean agreement + 0.3 × helpfulness), or
  100 × agreement alone while no rating counts; None with nothing to compare against.
- **Suggested grade** (0..100): peer_weight% × peer score + (100 − peer_weight)% ×
  the author's reviewing grade (Moodle Workshop's grade for submission and grade for
  assessment, 80/20 by default); the peer score alone if the author reviewed nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import median

from sync.assessment import Criterion

AGREEMENT_WEIGHT = 0.7
LOW_RATING = 2


def normalised(scores: Mapping[str, int], criteria: Sequence[Criterion]) -> dict[str, float]:
    return {c.name: scores[c.name] / c.top for c in criteria if c.name in scores}


def weighted(values: Mapping[str, float], criteria: Sequence[Criterion]) -> float | None:
    present = [c for c in criteria if c.name in values]
    total = sum(c.weight for c in present)
    return sum(values[c.name] * c.weight for c in present) / total if total else None


def medians(reviews: Iterable[Mapping[str, float]], criteria: Sequence[Criterion]) -> dict[str, float]:
    found = list(reviews)
    return {
        c.name: float(median([r[c.name] for r in found if c.name in r]))
        for c in criteria
        if any(c.name in r for r in found)
    }


def peer_score(reviews: Sequence[Mapping[str, int]], criteria: Sequence[Criterion]) -> float | None:
    """0..100 from the reviews of one version (raw scores), or None without reviews."""
    if not reviews:
        return None
    value = weighted(medians((normalised(r, criteria) for r in reviews), criteria), criteria)
    return None if value is None else 100 * value


@dataclass(frozen=True, slots=True)
class ReviewFacts:
    """One review as the reviewing grade sees it."""

    reviewer: bytes
    submission: bytes
    scores: Mapping[str, int]
    ratings: tuple[int, ...] = ()


def _distance(
    one: Mapping[str, float], other: Mapping[str, float], criteria: Sequence[Criterion]
) -> float | None:
    shared = {name: abs(one[name] - other[name]) for name in one if name in other}
    return weighted(shared, criteria)


def agreement(
    review: ReviewFacts,
    others: Sequence[Mapping[str, int]],
    criteria: Sequence[Criterion],
    teacher_grade: float | None = None,
) -> tuple[float | None, bool]:
    """(agreement 0..1 or None, whether the review scored below the others' consensus)."""
    mine = normalised(review.scores, criteria)
    parts = []
    harsh = False
    if others:
        consensus = medians((normalised(o, criteria) for o in others), criteria)
        distance = _distance(mine, consensus, criteria)
        if distance is not None:
            parts.append(1 - distance)
        overall, agreed = weighted(mine, criteria), weighted(consensus, criteria)
        harsh = overall is not None and agreed is not None and overall < agreed
    if teacher_grade is not None:
        overall = weighted(mine, criteria)
        if overall is not None:
            parts.append(1 - abs(overall - teacher_grade / 100))
    return (sum(parts) / len(parts) if parts else None), harsh


def reviewing_grade(
    reviewer: bytes,
    reviews: Sequence[ReviewFacts],
    criteria: Sequence[Criterion],
    teacher_grades: Mapping[bytes, float] | None = None,
) -> float | None:
    """0..100 for `reviewer` from every counted review of the round(s) considered."""
    return reviewing_grades(reviews, criteria, teacher_grades).get(reviewer)


def reviewing_grades(
    reviews: Sequence[ReviewFacts],
    criteria: Sequence[Criterion],
    teacher_grades: Mapping[bytes, float] | None = None,
) -> dict[bytes, float]:
    """Every reviewer's reviewing grade (0..100), in one pass over the reviews; a reviewer
    with nothing to compare against has none."""
    by_submission: dict[bytes, list[ReviewFacts]] = {}
    for review in reviews:
        by_submission.setdefault(review.submission, []).append(review)
    agreements: dict[bytes, list[float]] = {}
    ratings: dict[bytes, list[int]] = {}
    for review in reviews:
        others = [r.scores for r in by_submission[review.submission] if r.reviewer != review.reviewer]
        value, harsh = agreement(review, others, criteria, (teacher_grades or {}).get(review.submission))
        if value is not None:
            agreements.setdefault(review.reviewer, []).append(value)
        kept = [r for r in review.ratings if not (harsh and r <= LOW_RATING)]
        ratings.setdefault(review.reviewer, []).extend(kept)
    grades: dict[bytes, float] = {}
    for reviewer in {r.reviewer for r in reviews}:
        agreed, rated = agreements.get(reviewer, []), ratings.get(reviewer, [])
        helpfulness = (sum(rated) / len(rated) - 1) / 4 if rated else None
        if agreed:
            mean = sum(agreed) / len(agreed)
            grades[reviewer] = 100 * (
                mean
                if helpfulness is None
                else AGREEMENT_WEIGHT * mean + (1 - AGREEMENT_WEIGHT) * helpfulness
            )
        elif helpfulness is not None:
            grades[reviewer] = 100 * helpfulness
    return grades


def suggested_grade(peer: float | None, reviewing: float | None, peer_weight: int) -> float | None:
    if peer is None:
        return None
    if reviewing is None:
        return peer
    return (peer_weight * peer + (100 - peer_weight) * reviewing) / 100
