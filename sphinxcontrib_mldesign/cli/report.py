"""Where the commands show each violation: the file paths they print, the table of
``mldesign check``'s text format (also the list of errors ``mldesign alerts`` refuses on)
and its GitHub workflow annotations. Sphinx-free."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..model.formats import printable
from ..model.inputs.git import work_tree_top
from ..model.paths import relative_path


def relative_paths(files: Mapping[str, Path], base: Path) -> dict[str, str]:
    """Each document's file relative to ``base`` (the current directory): as a person
    running the command types it, ``../`` included."""
    return {docname: relative_path(path, base) for docname, path in files.items()}


def repository_paths(files: Mapping[str, Path], sourcedir: Path) -> dict[str, str]:
    """Each document's file relative to the top of the git work tree holding the source
    directory, where GitHub places annotations; outside git, relative to the current
    directory, else to the source directory. Never absolute, never ``../``: a file under
    none of them is named by its file name alone."""
    top = work_tree_top(sourcedir)
    bases = [top] if top is not None else [Path.cwd().resolve(), sourcedir.resolve()]
    shown = {}
    for docname, path in files.items():
        resolved = path.resolve()
        base = next((base for base in bases if resolved.is_relative_to(base)), None)
        shown[docname] = resolved.relative_to(base).as_posix() if base else resolved.name
    return shown


def violation_table(violations: list[dict[str, Any]], paths: Mapping[str, str]) -> str:
    """The violations grouped by file: line, severity, rule and message."""
    if not violations:
        return ""
    by_file: dict[str, list[dict[str, Any]]] = {}
    for violation in violations:
        by_file.setdefault(paths.get(violation["docname"], violation["docname"]), []).append(
            violation
        )
    lines = []
    for path, found in by_file.items():
        lines.append(printable(path))  # a rule file matched by a glob: a name of any text
        for v in found:
            lines.append(f"  {v['lineno']:>5}  {v['severity']:<7}  {v['rule']:<26}  {v['message']}")
        lines.append("")
    return "\n".join(lines) + "\n"


def annotation(violation: dict[str, Any], paths: Mapping[str, str]) -> str:
    """One violation as a GitHub workflow annotation (``paths``: from the repository's top)."""
    level = "error" if violation["severity"] == "error" else "warning"
    path = paths.get(violation["docname"], violation["docname"])
    title = f"mldesign.{violation['rule']}"
    message = _escape(violation["message"])
    return (
        f"::{level} file={_escape(path, True)},line={violation['lineno']},title={title}::{message}"
    )


def _escape(text: str, prop: bool = False) -> str:
    """GitHub workflow-command escaping (%, CR, LF; also : and , in properties)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text
