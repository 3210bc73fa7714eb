"""The package's version, in a module of its own so the command line can read it
without loading the Sphinx extension; and the fingerprint of what this version ships,
which decides whether an earlier build's environment and pages are current."""

from __future__ import annotations

import hashlib
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__version__ = "0.1.0"

#: Bumped when the environment's data changes shape (3: items know their project).
ENV_FORMAT = 3


def shipped_fingerprint(schemas: Traversable | None = None) -> str:
    """The environment format, the version and the shipped schemas (``schemas/*.json``),
    hashed. An upgrade changes it, so that nothing read or written by the old version
    (items parsed with other schemas, pages rendered another way) is kept. Reads
    ``__version__`` when called."""
    digest = hashlib.sha256(f"{ENV_FORMAT}\0{__version__}".encode())
    folder = schemas if schemas is not None else resources.files("sphinxcontrib_mldesign.schemas")
    for entry in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if entry.name.endswith(".json"):
            digest.update(f"\0{entry.name}\0".encode() + entry.read_bytes())
    return digest.hexdigest()


def env_version() -> int:
    """The ``env_version`` Sphinx compares with the one the environment was saved with:
    when they differ it starts a fresh environment, re-reading every page."""
    return int(shipped_fingerprint()[:15], 16)  # an int, as Sphinx declares it
