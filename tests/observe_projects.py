"""Projects the tests of the MLflow and file sources and of ``mldesign observe`` build:
metrics observed live at a pinned time, and what a build observed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinxcontrib_mldesign.model.observe.snapshot import Observation
from sphinxcontrib_mldesign.model.project import Project
from sphinxcontrib_mldesign.state import build_state

#: The time every project here observes at (``mldesign_observe_at``).
AT = "2026-12-01T12:00:00Z"


def write_project(src: Path, metrics: dict[str, tuple[str, str]], **settings: str) -> Path:
    """A project observing ``metrics`` (ID -> (its ``:observe:``, its ``:target:``)) live
    at :data:`AT`; ``settings`` are more ``conf.py`` lines (name -> Python text)."""
    src.mkdir(parents=True, exist_ok=True)
    (src / "conf.py").write_text(
        'project = "Observed"\nextensions = ["sphinxcontrib_mldesign"]\n'
        'show_warning_types = True\nmldesign_today = "2026-12-01"\n'
        f'mldesign_observe = "live"\nmldesign_observe_at = "{AT}"\n'
        + "".join(f"{name} = {value}\n" for name, value in settings.items()),
        encoding="utf-8",
    )
    blocks = [
        f".. metric:: {metric_id}\n   :id: {metric_id}\n   :owner: ann\n   :kind: offline\n"
        f"   :observe: {observe}\n   :target: {target}\n"
        for metric_id, (observe, target) in metrics.items()
    ]
    (src / "index.rst").write_text(
        "Observed\n========\n\n.. owner:: Ann\n   :id: ann\n\n" + "\n".join(blocks),
        encoding="utf-8",
    )
    return src


def observe_line(src: Path, metric_id: str, option: str = "observe") -> int:
    """The line of ``index.rst`` holding the ``:observe:`` (or ``option``) of ``metric_id``."""
    lines = (src / "index.rst").read_text(encoding="utf-8").splitlines()
    start = lines.index(f"   :id: {metric_id}")
    return next(n for n, line in enumerate(lines, 1) if n > start and f":{option}:" in line)


def project_of(app: Any) -> Project:
    return build_state(app.env).context


def observations_of(app: Any) -> dict[str, Observation]:
    return project_of(app).observed.observations
