"""What we ship works: ``python -m build`` makes an sdist and, from it, a wheel; the wheel,
installed (not editable) into a clean venv, starts and builds a design doc on its own
schemas, static files and templates.

It installs the wheel's dependencies from the package index, so it takes a while (about
20 s with pip's cache warm). The older-Sphinx venvs (``make compat``) have no ``build``
and skip it: what is shipped does not depend on Sphinx's version.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("build")

CHECKOUT = Path(__file__).resolve().parent.parent
PACKAGE = CHECKOUT / "sphinxcontrib_mldesign"


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    # Nothing of this venv or checkout leaks in: no PYTHONPATH, no active venv.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        [str(arg) for arg in args], capture_output=True, text=True, cwd=cwd, env=env,
        timeout=600, check=False,
    )  # fmt: skip


def _copy_checkout(target: Path) -> None:
    """The checkout's files as git sees them (tracked, or new and not ignored), so the
    build writes its build/ and egg-info in a copy, not in the working tree."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True, text=True, cwd=CHECKOUT, check=True,
    ).stdout  # fmt: skip
    for name in filter(None, listed.split("\0")):
        source = CHECKOUT / name
        if source.is_file():  # a file deleted but not yet committed is listed too
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def _data_files() -> set[str]:
    """Every file of the package that is not Python: what package-data must ship."""
    return {
        path.relative_to(CHECKOUT).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc")
    }


def test_the_wheel_installs_into_a_clean_venv_and_builds_the_scaffold(tmp_path: Path) -> None:
    source, dist = tmp_path / "source", tmp_path / "dist"
    _copy_checkout(source)
    # Without --sdist/--wheel, build makes the sdist, then the wheel from the sdist: a
    # file missing from the sdist is missing from the wheel too.
    built = _run(sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, source,
                 cwd=tmp_path)  # fmt: skip
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    [sdist] = dist.glob("*.tar.gz")
    [wheel] = dist.glob("*.whl")
    data = _data_files()
    assert {"sphinxcontrib_mldesign/schemas/ml-metric.json", "sphinxcontrib_mldesign/py.typed",
            "sphinxcontrib_mldesign/static/mldesign.css",
            "sphinxcontrib_mldesign/templates/chapters.json"} <= data  # fmt: skip
    with zipfile.ZipFile(wheel) as archive:
        assert data <= set(archive.namelist())
    with tarfile.open(sdist) as archive:
        root = sdist.name.removesuffix(".tar.gz")
        names = {name.removeprefix(root + "/") for name in archive.getnames()}
    assert data | {"README.rst", "LICENSE", "pyproject.toml"} <= names

    venv = tmp_path / "venv"
    assert _run(sys.executable, "-m", "venv", venv, cwd=tmp_path).returncode == 0
    python = venv / "bin" / "python"
    # The scaffold's theme (its requirements.txt) besides the wheel and its dependencies.
    installed = _run(python, "-m", "pip", "install", "--quiet", wheel, "pydata-sphinx-theme",
                     cwd=tmp_path)  # fmt: skip
    assert installed.returncode == 0, installed.stderr[-3000:]
    where = _run(python, "-c", "import sphinxcontrib_mldesign as m; print(m.__file__)",
                 cwd=tmp_path)  # fmt: skip
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout + where.stderr

    doc, html = tmp_path / "doc", tmp_path / "html"
    init = _run(venv / "bin" / "mldesign", "init", doc, cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    sphinx = _run(python, "-m", "sphinx", "-W", "-q", "-b", "html", doc, html, cwd=tmp_path)
    assert sphinx.returncode == 0, sphinx.stderr
    assert (html / "_static" / "mldesign.css").is_file()
    assert "ml-requirement-index" in (html / "rollups.html").read_text(encoding="utf-8")
