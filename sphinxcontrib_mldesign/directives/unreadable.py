"""Option lines the parser cannot read, reported by the directive itself.

docutils drops a whole directive for one line of its options block it cannot read
(``:kind system``, an option given twice); MyST drops every option of it. Either way the
item loses its ID, and every reference to it turns into a second error. So before a page
is parsed, such a line is replaced by a placeholder option whose name holds the line's
number and whose value is its text (:mod:`.rst`, :mod:`.myst`); the rest of the block is
read, and :func:`take_unreadable` turns each placeholder into one problem at its line.
An option the parser would misread (indented unlike the others, a YAML list under an
option of one value) is made a placeholder the same way, and told what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from sphinx.application import Sphinx

from ..config import get_config
from ..model.formats import printable
from ..model.items import ITEM_TYPES, Problem

UNREADABLE = "mldesign-unreadable-line-"
"""A placeholder's name, before the source line it stands for."""
REPEATED = "mldesign-repeated-line-"
"""The same, for an option written a second time in one block."""
INDENTED_LESS = "mldesign-indented-less-line-"
INDENTED_MORE = "mldesign-indented-more-line-"
"""The same, for an option (RST) or YAML key not indented like the others of its block."""
YAML_LIST = "mldesign-yaml-list-line-"
YAML_NESTED = "mldesign-yaml-nested-line-"
"""The same, for a YAML list under an option that takes one value, and a nested mapping."""
_PREFIXES = (UNREADABLE, REPEATED, INDENTED_LESS, INDENTED_MORE, YAML_LIST, YAML_NESTED)
_OPTION_NAME_RE = re.compile(r"^\s*:?(?P<name>[A-Za-z][\w-]*)")

#: Our directives besides the item directives (the roll-ups add theirs).
OTHER_DIRECTIVES: set[str] = set()


def our_directives(app: Sphinx) -> dict[str, dict[str, bool]]:
    """Our directives in this project, each with its options and whether each takes a list
    (schema extensions included). A roll-up's are not listed: every one takes a list."""
    short_names = app.config.mldesign_short_names
    schemas = get_config(app.env).schemas
    directives: dict[str, dict[str, bool]] = {}
    for item_type in ITEM_TYPES.values():
        options = {
            name: spec.format in ("list", "refs") or spec.json_type == "array"
            for name, spec in schemas.of(item_type.name).options.items()
        }
        for name in item_type.directive_names:
            if short_names or name == item_type.name:
                directives[name] = options
    return {**directives, **{name: {} for name in sorted(OTHER_DIRECTIVES)}}


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
    for key in [key for key in options if key.startswith(_PREFIXES)]:
        text = str(options.pop(key) or "")
        tab = text.startswith("\\t")
        match = _OPTION_NAME_RE.match(re.sub(r"^(\\t)+", "", text))
        prefix = next(prefix for prefix in _PREFIXES if key.startswith(prefix))
        lineno = int(key.removeprefix(prefix))
        written = match["name"] if match else text
        if prefix == REPEATED:
            message = f"option :{written}: is written twice; only the first is read"
            problems.append(Problem(message, None, lineno))
            continue
        name = match["name"].lower() if match and match["name"].lower() in known else None
        if prefix != UNREADABLE:
            # Its name as the parser would read it (RST lowers it), if the item has it.
            name = name if rst else written if written in known else None
            problems.append(Problem(_misplaced(prefix, name or written, rst), name, lineno))
            continue
        fields = rst or text.startswith(":")
        example = f"{':' if fields else ''}{name or 'name'}: value"
        fix = "indent with spaces, not a tab" if tab else f"write it as {example!r}"
        what = f"option :{name}:" if name else "option line"
        message = f"{what} cannot be read from '{text}': {fix}"
        problems.append(Problem(message, name, lineno))
    return problems


def _misplaced(prefix: str, name: str, rst: bool) -> str:
    """What is wrong with an option written in the wrong place, and the fix."""
    option = f"option :{name}:"
    if prefix in (INDENTED_LESS, INDENTED_MORE):
        what = "options" if rst else "keys"
        if prefix == INDENTED_LESS:
            return f"{option} is indented less than the other {what}: indent it like them"
        return (
            f"{option} is indented more than the other {what}, so it would be read as "
            "part of the value above: indent it like them"
        )
    if prefix == YAML_LIST:
        return f"{option} takes one value, not a YAML list: write it as '{name}: value'"
    return (
        f"{option} is written as a nested YAML mapping: write it as '{name}: value' "
        "(a list as 'a, b' or '- a' lines)"
    )
