"""``.. fallback::`` / ``.. ml-fallback::`` — one tier of a fallback chain."""

from __future__ import annotations

from ..model.items import FALLBACK
from .base import ItemDirective, option_spec_for


class FallbackDirective(ItemDirective):
    item_type = FALLBACK
    option_spec = option_spec_for(FALLBACK.name)
