"""What every roll-up directive shares: option parsing, filters, and the placeholder it
leaves in the doctree.

A roll-up directive only leaves a placeholder (:class:`.rollup_nodes.ml_rollup`) and records
itself in the domain. The placeholder is rendered when the page is resolved for a builder
(:class:`.RenderRollups`), from the project as the checks saw it this build, so a roll-up is never
older than the items it shows, and no doctree is ever re-scanned.
"""

from __future__ import annotations

from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from ..config import get_config
from ..directives.base import AnyOptionSpec
from ..directives.lines import is_rst, option_lines
from ..directives.unreadable import take_unreadable
from ..domain import get_ml_domain, included_source
from ..model.formats import did_you_mean, parse_list, printable
from ..model.items import Item, OptionRef, Problem, RollupUse, as_list
from .rollup_nodes import ml_rollup


class RollupDirective(SphinxDirective):
    """Base of the roll-up directives: validates filters, leaves a placeholder."""

    kind: ClassVar[str]
    summary: ClassVar[str] = ""
    """One sentence for the generated reference."""
    #: Filter option -> (item type whose values it checks, option of that item).
    filters: ClassVar[dict[str, tuple[str, str]]] = {}
    extra_options: ClassVar[tuple[str, ...]] = ()
    option_names: ClassVar[tuple[str, ...]] = ()
    has_content = False
    default_projects: ClassVar[tuple[str, ...]] = ("local",)
    """What ``:projects:`` is when not written."""
    #: Options naming items -> the item types they may name (checked by unknown-ref).
    ref_options: ClassVar[dict[str, tuple[str, ...]]] = {}

    def run(self) -> list[nodes.Node]:
        lines = option_lines(self)  # before the placeholders are taken out
        problems = take_unreadable(self.options, self.option_names, rst=is_rst(self))
        options: dict[str, Any] = {}
        for name, raw in self.options.items():
            values = parse_list(raw or "")
            found: list[str] = []
            if name not in self.option_names:
                hint = did_you_mean(name, self.option_names)
                allowed = f" (allowed: {', '.join(self.option_names) or 'none'})"
                found.append(f"{self.name}: unknown option :{printable(name)}:{hint or allowed}")
            elif name in COMMON_OPTIONS:
                options[name] = values
                if not values:
                    found.append(f"{self.name} :{name}: is empty: {_GIVE[name]}")
            elif name in self.filters:
                options[name] = self._check_filter(name, values, found)
            else:
                options[name] = self.check_option(name, values, found)
            problems += [Problem(message, name, lines.get(name)) for message in found]
        options["projects"] = options.get("projects") or list(self.default_projects)
        source, lineno = self.get_source_info()
        get_ml_domain(self.env).note_rollup(
            RollupUse(
                kind=self.kind,
                docname=self.env.docname,
                lineno=lineno or self.lineno,
                source=included_source(self.env, source),
                problems=problems,
                projects=tuple(options["projects"]),
                refs=[  # as validated (a rejected value names nothing)
                    OptionRef(name, target, allowed)
                    for name, allowed in self.ref_options.items()
                    for target in as_list(options.get(name))
                ],
                option_lines=lines,
                whole=options["projects"] == ["local"]
                and not set(options) - {"projects", *UNFILTERED_OPTIONS},
            )
        )
        node = ml_rollup(kind=self.kind, options=options)
        self.set_source_info(node)
        return [node]

    def _check_filter(self, name: str, values: list[str], problems: list[str]) -> list[str]:
        type_name, option = self.filters[name]
        # The project's schema, extensions included (a narrowed or widened enum).
        # Compared as text: an extension's enum may hold numbers, filter values are text.
        enum = get_config(self.env).schemas.of(type_name).options[option].enum
        allowed = [str(value) for value in enum]
        if allowed:
            bad = [value for value in values if value not in allowed]
            if bad:
                problems.append(
                    f"{self.name} :{name}: {', '.join(map(repr, bad))} is not one of: "
                    f"{', '.join(allowed)}"
                )
                values = [value for value in values if value in allowed]
        return values

    #: What the non-filter options mean, for the generated reference.
    option_help: ClassVar[dict[str, str]] = {}

    def check_option(self, name: str, values: list[str], problems: list[str]) -> Any:
        """Validate a non-filter option (``:columns:``, ``:sort:``)."""
        return values

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Options are the filters plus the extras; values are validated in run(). Any
        # other name is accepted here and reported by run() as an mldesign.schema
        # warning at the directive's line (docutils would drop the whole roll-up).
        cls.option_names = (*cls.filters, *cls.extra_options, *COMMON_OPTIONS)
        cls.option_spec = AnyOptionSpec(dict.fromkeys(cls.option_names, directives.unchanged))


#: What an empty common option should have held.
_GIVE = {"documents": "give glob patterns of documents", "projects": "give local, all or names"}

#: Options that change how a roll-up shows its items, not which.
UNFILTERED_OPTIONS = ("columns", "sort", "depth")

#: Options every roll-up takes, with what they mean (for the generated reference).
COMMON_OPTIONS = {
    "documents": "Only items written in documents whose name matches one of these glob "
    "patterns (``example/*``): one part of a larger doc, or leaving out a demo page.",
    "projects": "Whose items to show: ``local`` (this project; the default, except for "
    "``ml-portfolio``, where it is ``all``), ``all`` (this project and every one of "
    "``mldesign_imports``), or project names (``local, payments``). Imported items show "
    "under their qualified IDs.",
}


def matches(item: Item, filters: dict[str, tuple[str, str]], options: dict[str, Any]) -> bool:
    """An item matches a filter when it has any of the filter's values (``:documents:`` is
    applied by :meth:`.Renderer.of_type`)."""
    for name, (_, option) in filters.items():
        wanted = options.get(name)
        if not wanted:
            continue
        value = item.values.get(option)
        have = value if isinstance(value, list) else [value]
        if not set(map(str, have)) & set(wanted):
            return False
    return True
