"""One directive per item type; long names always, short names unless
``mldesign_short_names = False``."""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.config import Config

from .base import ItemDirective
from .component import ComponentDirective
from .fallback import FallbackDirective
from .metric import MetricDirective
from .myst import quote_myst_options
from .owner import OwnerDirective
from .requirement import RequirementDirective
from .risk import RiskDirective
from .rst import repair_included_options, repair_rst_options

ITEM_DIRECTIVES: tuple[type[ItemDirective], ...] = (
    RequirementDirective,
    MetricDirective,
    FallbackDirective,
    OwnerDirective,
    RiskDirective,
    ComponentDirective,
)


def _register(app: Sphinx, config: Config) -> None:
    # After config.py validated the value (priority 400), so it is a bool.
    short_names = config.mldesign_short_names
    for directive in ITEM_DIRECTIVES:
        item_type = directive.item_type
        app.add_directive(item_type.name, directive, override=True)
        if short_names and item_type.short_name:
            app.add_directive(item_type.short_name, directive, override=True)


def setup(app: Sphinx) -> None:
    app.connect("config-inited", _register, priority=500)
    app.connect("source-read", quote_myst_options)
    app.connect("source-read", repair_rst_options)
    app.connect("include-read", repair_included_options)
