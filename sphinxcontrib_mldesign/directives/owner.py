"""``.. owner::`` / ``.. ml-owner::`` — a person or team, the areas they know, their backups."""

from __future__ import annotations

from ..model.items import OWNER
from .base import ItemDirective, option_spec_for


class OwnerDirective(ItemDirective):
    item_type = OWNER
    option_spec = option_spec_for(OWNER.name)
