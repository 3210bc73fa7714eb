"""``mldesign check``: build with the ``mldesign`` builder in a temporary directory and
report the violations — as a table, as JSON, or as GitHub workflow annotations."""

from __future__ import annotations

import io
import json
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import SphinxError
from sphinx.util.console import nocolor
from sphinx.util.docutils import docutils_namespace, patch_docutils

from ..export import EXPORT_FILENAME
from ..model.formats import counted
from ..state import failing_errors
from .errors import UsageError
from .report import annotation, relative_paths, repository_paths, violation_table


def run_check(sourcedir: Path, fmt: str, defines: Sequence[str]) -> int:
    overrides = {}
    for define in defines:
        name, sep, value = define.partition("=")
        if not sep or not name:
            raise UsageError(f"-D {define!r}: expected NAME=VALUE")
        overrides[name] = value
    export, files, other_warnings, failing = build_export_of(sourcedir, overrides)
    violations: list[dict[str, Any]] = export["violations"]
    for line in other_warnings:  # docutils errors and the like: not ours, but worth seeing
        print(line, file=sys.stderr)
    # GitHub places an annotation by its path in the repository; a person, from here.
    if fmt == "github":
        paths = repository_paths(files, sourcedir)
    else:
        paths = relative_paths(files, Path.cwd())
    if fmt == "json":  # the export's violations, each with its file as the text format
        located = [{**v, "path": paths.get(v["docname"], v["docname"])} for v in violations]
        print(json.dumps(located, indent=2, sort_keys=True, ensure_ascii=False))
    elif fmt == "github":
        for violation in violations:
            print(annotation(violation, paths))
    else:
        print(violation_table(violations, paths), end="")
    errors = sum(v["severity"] == "error" for v in violations)
    warnings = len(violations) - errors
    summary = (
        f"mldesign: {counted(len(export['items']), 'item')}, {counted(errors, 'error')}, "
        f"{counted(warnings, 'warning')}" + (" — failing" if failing else "")
    )
    print(summary, file=sys.stderr if fmt == "json" else sys.stdout)
    # As sphinx-build: an error silenced with suppress_warnings does not fail.
    return 1 if failing else 0


def build_export_of(
    sourcedir: Path,
    overrides: dict[str, Any],
    keep: Callable[[Sphinx], None] | None = None,
) -> tuple[dict[str, Any], dict[str, Path], list[str], int]:
    """The export, each document's file (and each deployed rule file's), warnings that are
    not ours, and how many errors fail the build; ``keep`` is shown the built application
    (to keep more of what the build knew)."""
    if not sourcedir.is_dir():
        raise UsageError(f"{sourcedir}: no such directory")
    if not (sourcedir / "conf.py").is_file():
        raise UsageError(f"{sourcedir}: no conf.py here (give the directory holding conf.py)")
    warning_stream = io.StringIO()
    if not sys.stderr.isatty():
        nocolor()  # as sphinx-build: no escape codes in a log or a pipe
    with tempfile.TemporaryDirectory(prefix="mldesign-check-") as tmp:
        out = Path(tmp) / "out"
        try:
            with patch_docutils(sourcedir), docutils_namespace():
                app = Sphinx(
                    str(sourcedir), str(sourcedir), str(out), str(Path(tmp) / "doctrees"),
                    "mldesign", confoverrides=overrides, status=None,
                    warning=warning_stream, freshenv=True,
                )  # fmt: skip
                app.build()
        except SphinxError as err:
            if "mldesign" in str(err) and "not registered" in str(err):
                raise UsageError(
                    f"{sourcedir}/conf.py does not enable sphinxcontrib_mldesign "
                    "(add it to extensions)"
                ) from None
            raise UsageError(f"Sphinx could not build {sourcedir}: {err}") from None
        except Exception as err:  # a crash in some extension: not a verdict on the doc
            raise UsageError(
                f"Sphinx crashed building {sourcedir}: {type(err).__name__}: {err}"
            ) from None
        export: dict[str, Any] = json.loads((out / EXPORT_FILENAME).read_text(encoding="utf-8"))
        files = {docname: Path(app.env.doc2path(docname)) for docname in app.env.found_docs}
        for violation in export["violations"]:  # a rule file: named from the conf directory
            other = sourcedir / violation["docname"]
            if violation["docname"] not in files and other.is_file():
                files[violation["docname"]] = other
        failing = len(failing_errors(app))
        if keep is not None:
            keep(app)
    others = [
        line
        for line in warning_stream.getvalue().splitlines()
        if line.strip() and "[mldesign." not in line
    ]
    return export, files, others, failing
