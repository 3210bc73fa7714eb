"""conf.py values: validated at config-inited; schema extensions; the short-name switch."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sphinx.errors import ConfigError
from sphinx.testing.util import SphinxTestApp

from helpers import export_of, warnings_of


def _requirement_extension(properties: dict[str, Any]) -> dict[str, Any]:
    return {"mldesign_schema_extensions": {"ml-requirement": {"properties": properties}}}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"mldesign_rules": {"no-such-rule": "error"}}, "unknown rule 'no-such-rule'"),
        ({"mldesign_rules": {"schema": "fatal"}}, "must be 'error', 'warning' or 'off'"),
        ({"mldesign_rules": ["schema"]}, "mldesign_rules must be a dict"),
        ({"mldesign_min_bus_factor": 0}, "mldesign_min_bus_factor must be a whole number"),
        ({"mldesign_min_bus_factor": True}, "mldesign_min_bus_factor must be a whole number"),
        ({"mldesign_review_every": "6 months"}, "mldesign_review_every must be a duration"),
        ({"mldesign_today": "yesterday"}, "mldesign_today must be a date"),
        ({"mldesign_schema_extensions": {"ml-widget": {}}}, "unknown item type 'ml-widget'"),
        ({"mldesign_schema_extensions": {"ml-risk": []}}, "must be a dict"),
        (
            {"mldesign_schema_extensions": {"ml-risk": {"properties": {"x": {"type": "colour"}}}}},
            "is not a valid JSON Schema",
        ),
        # Extensions that are valid JSON Schema but could not work:
        (_requirement_extension({"blocks": {"x-refs": ["requirement"]}}), "x-refs"),
        (_requirement_extension({"blocks": {"x-refs": []}}), "x-refs"),
        (_requirement_extension({"id": {"type": "integer"}}), "'id' option cannot be changed"),
        (_requirement_extension({"reviewed": {"x-format": "text"}}), "'reviewed' is built in"),
        (_requirement_extension({"depends": {"type": "string"}}), "not change type"),
        # ...or would crash a build later: every one is a config error naming the key.
        (_requirement_extension({"owner": {"default": 5}}), "the default of option 'owner', 5"),
        (
            {
                "mldesign_schema_extensions": {
                    "ml-risk": {"properties": {"likelihood": {"default": ["x"]}}}
                }
            },
            "the default of option 'likelihood'",
        ),
        (_requirement_extension({"x": {"$ref": "#/nowhere"}}), "'#/nowhere' does not resolve"),
        (_requirement_extension({"x": {"$ref": "https://example.com/s.json"}}), "no remote"),
        (_requirement_extension({"owner": True}), "'owner' is built in"),
        (
            _requirement_extension({"priority": {"enum": ["must"]}}),
            "built-in default of option 'priority', 'should', is not a value it accepts .*"
            "give the option a 'default' in the extension",
        ),
    ],
)
def test_bad_config_is_a_clear_config_error(
    overrides: dict[str, Any],
    message: str,
    make_app: Callable[..., SphinxTestApp],
    copy_root: Callable[..., Path],
) -> None:
    with pytest.raises(ConfigError, match=message):
        make_app("html", srcdir=copy_root("basic"), confoverrides=overrides)


@pytest.mark.parametrize(("value", "expected"), [("2026-03-04", "2026-03-04"), (None, None)])
def test_today_accepts_string_or_none(
    value: str | None,
    expected: str | None,
    make_app: Callable[..., SphinxTestApp],
    copy_root: Callable[..., Path],
) -> None:
    from sphinxcontrib_mldesign.config import get_config

    app = make_app("html", srcdir=copy_root("basic"), confoverrides={"mldesign_today": value})
    today = get_config(app.env).today
    assert (today.isoformat() if today else None) == expected


def test_today_falls_back_to_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    from sphinxcontrib_mldesign.config import MLDesignConfig

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    assert MLDesignConfig().today_date().isoformat() == "2026-01-01"


@pytest.mark.sphinx("html", testroot="extended")
def test_schema_extension_adds_narrows_and_requires(app: SphinxTestApp) -> None:
    app.build()
    items = export_of(app)["items"]
    assert items["REQ-1"]["jira"] == "ML-42"
    assert items["REQ-1"]["story-points"] == 3
    assert items["REQ-1"]["regulated"] is True
    assert items["MET-1"]["dashboards"] == ["latency", "errors"]
    lines = warnings_of(app)
    src = Path(app.srcdir) / "index.rst"
    expected = [
        f"{src}:13: ERROR: :priority: 'could' is not one of: must, should [mldesign.schema]",
        f"{src}:14: ERROR: :story-points: 'lots' is not a whole number [mldesign.schema]",
        f"{src}:11: ERROR: missing required option :jira: [mldesign.schema]",
    ]
    assert sorted(lines) == sorted(expected)
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    assert "Story points" in html and "ML-42" in html  # custom options render as fields


@pytest.mark.sphinx("html", testroot="aliases")
def test_long_names_work_and_short_names_can_be_switched_off(app: SphinxTestApp) -> None:
    app.build()
    items = export_of(app)["items"]
    assert {items[i]["type"] for i in ("MET-1", "FB-1", "team-a")} == {
        "ml-metric",
        "ml-fallback",
        "ml-owner",
    }
    assert "MET-2" not in items
    assert any('Unknown directive type "metric"' in w for w in warnings_of(app))
