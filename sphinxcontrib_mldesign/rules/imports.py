"""What concerns other projects: imports that cannot be read (``import``), roll-ups
naming a project that is not imported (``schema``, at the ``:projects:`` line), and IDs
that read as another project's (``schema``, at the ``:id:`` line).

Both are decided when the project is checked, not when a page is read, because
``mldesign_imports`` may change without any page being read again.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model.formats import did_you_mean
from ..model.imports import RESERVED_PROJECT_NAMES
from ..model.items import split_qualified
from ..model.project import Project
from ..model.rules import Rule
from .findings import Finding


def unreadable_imports(context: Project) -> Iterator[Finding]:
    for problem in context.import_problems:
        yield Finding(Rule.IMPORT, problem, f"mldesign_imports: {problem.message}")


def unknown_projects(context: Project) -> Iterator[Finding]:
    known = (*RESERVED_PROJECT_NAMES, *context.config.imports)
    for use in context.rollups:
        for name in use.projects:
            if name not in known:
                hint = did_you_mean(name, known) or f" (known: {', '.join(known)})"
                yield Finding(
                    Rule.SCHEMA,
                    use,
                    f"ml-{use.kind} :projects: {name!r} is not a project of mldesign_imports{hint}",
                    lineno=use.line_of("projects"),
                )


def ids_taken_by_imports(context: Project) -> Iterator[Finding]:
    """An ID of this project that reads as an imported project's (``payments:X``) would
    take every reference meant for that project's item."""
    for item in context.unique_items:
        project = split_qualified(str(item.id), context.config.imports).project
        if project is not None:
            yield Finding(
                Rule.SCHEMA,
                item,
                f"ID {item.id!r} starts with {project + ':'!r}, the name of an imported "
                "project: references to it would be read as that project's; choose another ID",
                lineno=item.line_of("id"),
            )


CHECKS = (unreadable_imports, unknown_projects, ids_taken_by_imports)
