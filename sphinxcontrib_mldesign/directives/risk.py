"""``.. ml-risk::`` — a risk scored likelihood x impact."""

from __future__ import annotations

from typing import Any

from ..items import RISK
from .base import ItemDirective, option_spec_for

LEVEL_SCORES = {"very-low": 1, "low": 2, "moderate": 3, "high": 4, "very-high": 5}


def risk_score(likelihood: object, impact: object) -> int | None:
    """likelihood x impact, or None when a schema extension allows a level we cannot score."""
    if likelihood not in LEVEL_SCORES or impact not in LEVEL_SCORES:
        return None
    return LEVEL_SCORES[str(likelihood)] * LEVEL_SCORES[str(impact)]


class RiskDirective(ItemDirective):
    item_type = RISK
    option_spec = option_spec_for(RISK.name)

    def derive(self, values: dict[str, Any]) -> None:
        # Both have schema defaults; an invalid value was dropped and replaced by its default.
        score = risk_score(values.get("likelihood"), values.get("impact"))
        if score is not None:
            values["score"] = score

    def derived_fields(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        if "score" not in values:
            return []
        return [("score", f"{values['score']} (likelihood x impact, of 25)")]
