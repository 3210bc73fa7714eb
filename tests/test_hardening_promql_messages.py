"""What the PromQL parser says of a query it cannot read is shortened in the warning
(issue 23, review): its message repeats the text it stopped at, and a 60,000-character
query under the 64 KiB cap gave a warning line of 60,000 characters."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import Build, located, warnings_of
from sphinxcontrib_mldesign.model.formats import FormatError, promql_tree

#: Within the caps (64 KiB, no operator), so it reaches the parser, which refuses it.
BAD_DURATION = "x[" + "1m" * 30_000 + "]"


def test_the_parsers_reason_is_shortened() -> None:
    with pytest.raises(FormatError) as refused:
        promql_tree(BAD_DURATION)
    said = str(refused.value)
    assert said.startswith("'x[1m1m1m") and " is not valid PromQL: " in said
    assert len(said) < 400


def test_a_query_the_parser_refuses_is_one_short_line(build: Build, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["sphinxcontrib_mldesign"]\nshow_warning_types = True\n', encoding="utf-8"
    )
    (src / "index.rst").write_text(
        "Metrics\n=======\n\n.. ml-owner:: Sam\n   :id: sam\n\n"
        ".. metric:: Latency\n   :id: MET-LAT\n   :kind: system\n   :owner: sam\n"
        f"   :query: {BAD_DURATION}\n",
        encoding="utf-8",
    )
    app = build(src, warningiserror=False)
    found = located(app)
    assert len(found) == len(warnings_of(app))  # nothing unlocated besides
    assert [(file, line, subtype) for file, line, subtype, _ in found] == [
        ("index.rst", 11, "schema")
    ]
    message = found[0][3]
    assert message.startswith(":query: 'x[1m1m") and " is not valid PromQL: " in message
    assert len(message) < 400
    assert "Traceback" not in app.warning.getvalue()
