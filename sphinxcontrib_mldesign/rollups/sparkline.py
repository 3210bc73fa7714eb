"""A metric's trend drawn small: an inline SVG in the monitoring roll-up's Observed cell.

The geometry is the model's (:func:`..model.observe.shown.sparkline`); this writes it
through the page's translator (its ``starttag`` and ``encode``, as sphinx-design writes
its components). Colours are CSS classes (``static/mldesign.css``), so the theme's dark
mode applies; ``role="img"`` and a ``<title>`` say lowest, highest and last value to a
screen reader and as a tooltip. Other builders write nothing: the value beside it says it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from docutils import nodes
from sphinx.writers.html5 import HTML5Translator

from ..model.observe.shown import HEIGHT, WIDTH, Sparkline, sparkline
from ..model.observe.snapshot import Observation
from .markup import Element
from .rollup_nodes import ml_sparkline


def sparkline_of(metric: Mapping[str, Any], observation: Observation) -> Element | None:
    """The markup of an observation's trend; None without one (not Prometheus, or
    ``mldesign_observe_trend = "0"``, or fewer than two samples)."""
    drawn = sparkline(metric, observation.trend)
    return None if drawn is None else Element("ml_sparkline", data=drawn)


def svg(translator: HTML5Translator, drawn: Sparkline) -> str:
    """The SVG of a sparkline, written with the translator's own tag maker and encoder."""
    encode = translator.encode
    plain = nodes.inline()  # what starttag reads ids and classes from: none
    box = f"0 0 {WIDTH} {HEIGHT}"
    start = translator.starttag(
        plain, "svg", "", CLASS="ml-sparkline", role="img", width=WIDTH, height=HEIGHT, viewBox=box
    )
    parts = [start, f"<title>{encode(drawn.title)}</title>"]
    for option, y in drawn.lines:
        parts.append(
            f'<line class="ml-spark-{option}" x1="0" x2="{WIDTH}" y1="{y}" y2="{y}"></line>'
        )
    points = " ".join(f"{x},{y}" for x, y in drawn.points)
    parts.append(f'<polyline class="ml-spark-line" points="{points}"></polyline>')
    x, y = drawn.points[-1]
    parts.append(f'<circle class="ml-spark-last" cx="{x}" cy="{y}" r="2"></circle>')
    parts.append("</svg>")
    return "".join(parts)


def visit_ml_sparkline(translator: HTML5Translator, node: ml_sparkline) -> None:
    """The node as a page's doctree holds it (a roll-up cell's markup is written by
    :mod:`.html`, which calls :func:`svg` too)."""
    translator.body.append(svg(translator, node["sparkline"]))
    raise nodes.SkipNode
