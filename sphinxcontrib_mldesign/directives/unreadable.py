"""Option lines the parser cannot read, reported by the directive itself.

docutils drops a whole directive for one line of its options block it cannot read
(``:kind system``, an option given twice); MyST drops every option of it. Either way the
item loses its ID, and every reference to it turns into a second error. So before a page
is parsed, such a line is replaced by a placeholder option whose name holds the line's
number and whose value is its text (:mod:`.rst`, :mod:`.myst`); the rest of the block is
read, and :func:`take_unreadable` turns each placeholder into one problem at its line.
An option the parser would misread (indented unlike the others, a YAML list under an
option of one value, a YAML list entry that would lose its text) is made a placeholder
the same way, and told what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sphinx.application import Sphinx

from ..config import get_config
from ..model.formats import printable
from ..model.items import ITEM_TYPES, Problem
from ..model.schema import OptionSpec

UNREADABLE = "mldesign-unreadable-line-"
"""A placeholder's name, before the source line it stands for."""
REPEATED = "mldesign-repeated-line-"
"""The same, for an option written a second time in one block."""
INDENTED_LESS = "mldesign-indented-less-line-"
INDENTED_MORE = "mldesign-indented-more-line-"
INDENTED_TITLE = "mldesign-indented-title-line-"
"""The same, for an option (RST) or YAML key not indented like the others of its block
(the first option of an RST block, deeper than the others, goes on with the title)."""
YAML_LIST = "mldesign-yaml-list-line-"
YAML_NESTED = "mldesign-yaml-nested-line-"
"""The same, for a YAML list under an option that takes one value, and a nested mapping."""
YAML_COMMA_ENTRY = "mldesign-yaml-comma-entry-line-"
YAML_EMPTY_ENTRY = "mldesign-yaml-empty-entry-line-"
"""The same, for a YAML list entry holding a comma (which separates values) or nothing;
the value is ``option: entry``."""
_PREFIXES = (UNREADABLE, REPEATED, INDENTED_LESS, INDENTED_MORE, INDENTED_TITLE, YAML_LIST,
             YAML_NESTED, YAML_COMMA_ENTRY, YAML_EMPTY_ENTRY)  # fmt: skip
# Only a prefix and a line number: ``:mldesign-yaml-list-line-x:`` is an unknown option.
_PLACEHOLDER_RE = re.compile(rf"^(?P<prefix>{'|'.join(map(re.escape, _PREFIXES))})(?P<line>\d+)$")
_OPTION_NAME_RE = re.compile(r"^\s*:?(?P<name>[A-Za-z][\w-]*)")

#: The attribute of the app naming our directives besides the item directives.
_OTHER_DIRECTIVES = "mldesign_other_directives"


@dataclass(frozen=True)
class DirectiveOptions:
    """What the page repairs know of the options of one of our directives."""

    names: frozenset[str] = frozenset()
    """Its options (schema extensions included); none listed for a roll-up."""
    lists: frozenset[str] = frozenset()
    """Those of them that take a list."""

    @classmethod
    def of(cls, options: Mapping[str, OptionSpec]) -> DirectiveOptions:
        """The options of an item type, from its schema's."""
        lists = [n for n, spec in options.items() if spec.format in ("list", "refs")]
        arrays = [n for n, spec in options.items() if spec.json_type == "array"]
        return cls(frozenset(options), frozenset([*lists, *arrays]))

    def takes_list(self, name: str) -> bool:
        """Whether the option takes a list: one not listed is read as one (every option
        of a roll-up takes a list; an unknown option is reported as unknown)."""
        return name in self.lists or name not in self.names


def add_other_directives(app: Sphinx, names: Iterable[str]) -> None:
    """Note directives of ours besides the item directives (the roll-ups add theirs), whose
    option blocks the page repairs read too. On the app, not in a module: each app has
    the extensions it was set up with."""
    setattr(app, _OTHER_DIRECTIVES, _other_directives(app) | frozenset(names))


def _other_directives(app: Sphinx) -> frozenset[str]:
    names: frozenset[str] = getattr(app, _OTHER_DIRECTIVES, frozenset())
    return names


def our_directives(app: Sphinx) -> dict[str, DirectiveOptions]:
    """Our directives in this project, each with its options."""
    short_names = app.config.mldesign_short_names
    schemas = get_config(app.env).schemas
    directives: dict[str, DirectiveOptions] = {}
    for item_type in ITEM_TYPES.values():
        options = DirectiveOptions.of(schemas.of(item_type.name).options)
        for name in item_type.directive_names:
            if short_names or name == item_type.name:
                directives[name] = options
    others = sorted(_other_directives(app))
    return {**directives, **dict.fromkeys(others, DirectiveOptions())}


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
    for key, placeholder_of in [(key, _PLACEHOLDER_RE.match(key)) for key in options]:
        if placeholder_of is None:
            continue
        text = str(options.pop(key) or "")
        match = _OPTION_NAME_RE.match(re.sub(r"^(\\t)+", "", text))
        prefix, lineno = placeholder_of["prefix"], int(placeholder_of["line"])
        written = match["name"] if match else text
        if prefix == REPEATED:
            message = f"option :{written}: is written twice; only the first is read"
            problems.append(Problem(message, None, lineno))
            continue
        name = match["name"].lower() if match and match["name"].lower() in known else None
        if prefix != UNREADABLE:
            # Its name as the parser would read it (RST lowers it), if the item has it.
            name = name if rst else written if written in known else None
            message = _misplaced(prefix, name or written, text, rst)
            problems.append(Problem(message, name, lineno))
            continue
        fields = rst or text.startswith(":")
        example = f"{':' if fields else ''}{name or 'name'}: value"
        fix = f"write it as {example!r}"
        if text.startswith("\\t"):  # shown as written, a tab as \t
            fix = "indent with spaces, not a tab"
        elif "\\t" in text:
            fix = "a tab cannot follow the name: write a space"
        what = f"option :{name}:" if name else "option line"
        problems.append(Problem(f"{what} cannot be read from '{text}': {fix}", name, lineno))
    return problems


def _misplaced(prefix: str, name: str, text: str, rst: bool) -> str:
    """What is wrong with an option written in the wrong place (``text``: the placeholder's
    value), and the fix."""
    option = f"option :{name}:"
    what = "options" if rst else "keys"
    if prefix == INDENTED_LESS:
        return f"{option} is indented less than the other {what}: indent it like them"
    if prefix in (INDENTED_MORE, INDENTED_TITLE):
        above = "the title" if prefix == INDENTED_TITLE else "the value above"
        return (
            f"{option} is indented more than the other {what}, so it would be read as "
            f"part of {above}: indent it like them"
        )
    entry = text.partition(": ")[2]
    if prefix == YAML_COMMA_ENTRY:
        return (
            f"{option} has a list entry holding a comma ({entry!r}), which separates values: "
            "write each value on a '- ' line of its own"
        )
    if prefix == YAML_EMPTY_ENTRY:
        fix = "'#' starts a YAML comment: quote the value" if "#" in entry else (
            "write its value, or remove the line"
        )  # fmt: skip
        return f"{option} has an empty list entry ({entry!r}): {fix}"
    if prefix == YAML_LIST:
        return f"{option} takes one value, not a YAML list: write it as '{name}: value'"
    return (
        f"{option} is written as a nested YAML mapping: write it as '{name}: value' "
        "(a list as 'a, b' or '- a' lines)"
    )
