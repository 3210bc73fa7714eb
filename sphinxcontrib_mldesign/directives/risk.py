"""``.. ml-risk::`` — a risk scored likelihood x impact."""

from __future__ import annotations

from typing import Any

from ..items import RISK
from .base import ItemDirective, option_spec_for

LEVEL_SCORES = {"very-low": 1, "low": 2, "moderate": 3, "high": 4, "very-high": 5}


def risk_score(likelihood: str, impact: str) -> int:
    return LEVEL_SCORES[likelihood] * LEVEL_SCORES[impact]


class RiskDirective(ItemDirective):
    item_type = RISK
    option_spec = option_spec_for(RISK.name)

    def derive(self, values: dict[str, Any]) -> None:
        # Both have schema defaults; an invalid value was dropped and replaced by its default.
        values["score"] = risk_score(values["likelihood"], values["impact"])

    def derived_fields(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        return [("score", f"{values['score']} (likelihood x impact, of 25)")]
