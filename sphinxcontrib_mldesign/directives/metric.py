"""``.. metric::`` / ``.. ml-metric::`` — a measured quantity, monitored when it has thresholds."""

from __future__ import annotations

from ..model.items import METRIC
from .base import ItemDirective, option_spec_for


class MetricDirective(ItemDirective):
    item_type = METRIC
    option_spec = option_spec_for(METRIC.name)
