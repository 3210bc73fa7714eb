"""What the tests of observed values share: where a snapshot-mode root's settings are."""

from __future__ import annotations

from pathlib import Path

from helpers import Build as Build


def observe_conf_line(src: Path, setting: str) -> int:
    """The line of ``conf.py`` in ``src`` setting ``setting`` (where its problems are told)."""
    lines = (src / "conf.py").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(f"{setting} ="))
