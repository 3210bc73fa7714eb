"""``.. component::`` / ``.. ml-component::`` — a part of the running system and the
components whose data it reads."""

from __future__ import annotations

from ..model.items import COMPONENT
from .base import ItemDirective, option_spec_for


class ComponentDirective(ItemDirective):
    item_type = COMPONENT
    option_spec = option_spec_for(COMPONENT.name)
