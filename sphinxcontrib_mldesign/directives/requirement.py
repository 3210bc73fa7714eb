"""``.. ml-requirement::`` — what the system must (or must not) do."""

from __future__ import annotations

from ..model.items import REQUIREMENT
from .base import ItemDirective, option_spec_for


class RequirementDirective(ItemDirective):
    item_type = REQUIREMENT
    option_spec = option_spec_for(REQUIREMENT.name)
