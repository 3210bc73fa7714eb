"""Risk scores: likelihood x impact, each on a five-level scale."""

from __future__ import annotations

#: The five levels of likelihood and impact, lowest first, with their scores.
LEVEL_SCORES = {"very-low": 1, "low": 2, "moderate": 3, "high": 4, "very-high": 5}
LEVELS = tuple(LEVEL_SCORES)


def risk_score(likelihood: object, impact: object) -> int | None:
    """likelihood x impact (1-25), or None when a schema extension allows a level we
    cannot score."""
    if likelihood not in LEVEL_SCORES or impact not in LEVEL_SCORES:
        return None
    return LEVEL_SCORES[str(likelihood)] * LEVEL_SCORES[str(impact)]


def score_band(score: int) -> str:
    """low (1-4), medium (5-9), high (10-16), critical (20-25): the colour of a score."""
    if score >= 20:
        return "critical"
    if score >= 10:
        return "high"
    if score >= 5:
        return "medium"
    return "low"
