"""Option lines the parser cannot read, reported by the directive itself.

docutils drops a whole directive for one line of its options block it cannot read
(``:kind system``, an option given twice); MyST drops every option of it. Either way the
item loses its ID, and every reference to it turns into a second error. So before a page
is parsed, such a line is replaced by a placeholder option whose name holds the line's
number and whose value is its text (:mod:`.rst`, :mod:`.myst`); the rest of the block is
read, and :func:`take_unreadable` turns each placeholder into one problem at its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from sphinx.application import Sphinx

from ..model.formats import printable
from ..model.items import ITEM_TYPES, Problem

UNREADABLE = "mldesign-unreadable-line-"
"""A placeholder's name, before the source line it stands for."""
REPEATED = "mldesign-repeated-line-"
"""The same, for an option written a second time in one block."""
_OPTION_NAME_RE = re.compile(r"^\s*:?(?P<name>[A-Za-z][\w-]*)")

#: Our directives besides the item directives (the roll-ups add theirs).
OTHER_DIRECTIVES: set[str] = set()


def our_directives(app: Sphinx) -> list[str]:
    """The names of our directives in this project."""
    short_names = app.config.mldesign_short_names
    names = [
        name
        for item_type in ITEM_TYPES.values()
        for name in item_type.directive_names
        if short_names or name == item_type.name
    ]
    return [*names, *sorted(OTHER_DIRECTIVES)]


def parser_of(app: Sphinx, path: str | Path) -> str | None:
    """``restructuredtext`` or ``markdown``, by the file's suffix."""
    return app.config.source_suffix.get(Path(path).suffix)  # type: ignore[no-any-return]


def placeholder(prefix: str, lineno: int, line: str) -> tuple[str, str]:
    """The (name, value) of a placeholder for the 1-based source line ``lineno``."""
    return f"{prefix}{lineno}", printable(line.strip(" "))


def take_unreadable(
    options: dict[str, str], known_options: Iterable[str], *, rst: bool
) -> list[Problem]:
    """Remove the placeholders from a directive's options: one problem each, at its line,
    naming the option it was most likely meant to be (``rst``: options are fields)."""
    problems: list[Problem] = []
    known = set(known_options)
    for key in [key for key in options if key.startswith((UNREADABLE, REPEATED))]:
        text = str(options.pop(key) or "")
        tab = text.startswith("\\t")
        match = _OPTION_NAME_RE.match(re.sub(r"^(\\t)+", "", text))
        if key.startswith(REPEATED):
            written = match["name"] if match else text
            message = f"option :{written}: is written twice; only the first is read"
            problems.append(Problem(message, None, int(key.removeprefix(REPEATED))))
            continue
        name = match["name"].lower() if match and match["name"].lower() in known else None
        fields = rst or text.startswith(":")
        example = f"{':' if fields else ''}{name or 'name'}: value"
        fix = "indent with spaces, not a tab" if tab else f"write it as {example!r}"
        what = f"option :{name}:" if name else "option line"
        message = f"{what} cannot be read from '{text}': {fix}"
        problems.append(Problem(message, name, int(key.removeprefix(UNREADABLE))))
    return problems
