"""``.. ml-risk::`` — a risk scored likelihood x impact."""

from __future__ import annotations

from typing import Any

from ..model.items import RISK
from ..model.scoring import risk_score
from .base import ItemDirective, option_spec_for


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
