"""How a file is named to people: relative to a directory, the same on every system.
Sphinx-free."""

from __future__ import annotations

import os
from pathlib import Path


def relative_path(path: str | os.PathLike[str], base: str | os.PathLike[str]) -> str:
    """``path`` from the directory ``base`` (``../`` included), with forward slashes so
    that a message or an export reads the same wherever it was made; absolute when there
    is no relative path (another drive on Windows)."""
    try:
        return Path(os.path.relpath(path, base)).as_posix()
    except ValueError:
        return Path(path).as_posix()
