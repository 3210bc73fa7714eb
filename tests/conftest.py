"""Shared fixtures: real Sphinx builds of the projects under ``tests/roots``."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sphinx.testing.util import SphinxTestApp

ROOTS = Path(__file__).parent / "roots"

# Sphinx 8.2+ colours its log whenever CI is set (as .ci/run sets it), and the builds that
# tests run in a subprocess inherit this: their logs are read line by line, as text.
os.environ["NO_COLOR"] = "1"


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


@pytest.fixture
def copy_root(tmp_path: Path) -> Callable[..., Path]:
    """Copy ``tests/roots/test-<name>`` to a private directory (so tests may edit it)."""

    def copy(name: str, dest: str | None = None) -> Path:
        target = tmp_path / (dest or name)
        shutil.copytree(ROOTS / f"test-{name}", target)
        return target

    return copy


@pytest.fixture
def build(make_app: Callable[..., SphinxTestApp]) -> Callable[..., SphinxTestApp]:
    """Run a real build of ``srcdir`` and return the finished app."""

    def run(srcdir: Path, buildername: str = "html", **kwargs: Any) -> SphinxTestApp:
        app = make_app(buildername, srcdir=srcdir, **kwargs)
        try:
            app.build()
        finally:
            # Undo global docutils registrations so a second app in the same test starts
            # clean; the finished app stays readable (outdir, status, warnings).
            app.cleanup()
        return app

    return run
