"""The shared machinery of the item directives (one per item type)."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_id

from ..config import get_config
from ..domain import ANY_ROLE, DOMAIN, get_ml_domain, included_source
from ..model.imports import is_web_url
from ..model.items import ITEM_TYPES, Item, ItemType, OptionRef, Problem
from ..model.schema import ItemSchema, OptionSpec, base_schema
from ..nodes import ml_badge, ml_id, ml_item, ml_item_header
from .body import options_in_body
from .lines import at_option_line, is_rst, option_lines
from .unreadable import take_unreadable

_ONE_WORD_RE = re.compile(r"\S+")
# Text that no inline syntax of RST or MyST (with any of its extensions) turns into
# anything but itself: letters, digits, spaces and , ; / % =. Not "_" (RST references),
# ":" (roles, URIs), "@" (e-mail), "&" (entities), quotes (MyST smartquotes), "--",
# "..", ",,", "+-" and "(c)" (MyST replacements), "<" before a letter, "/", "!" or "?" (HTML,
# autolinks), "." before a letter (linkify's "mlflow.org"). Most titles are such text,
# and for them the inliner is skipped.
_PLAIN_TEXT_RE = re.compile(
    r"(?:[^\W_]|[ ;/%=>)]|,(?!,)|\.(?![^\W\d_]|\.)|-(?!-)|\+(?!-)|<(?![A-Za-z/!?])"
    r"|\((?!(?:c|r|tm|p)\)))*",
    re.IGNORECASE,
)


class AnyOptionSpec(dict[str, Any]):
    """An ``option_spec`` that accepts every option name.

    docutils and MyST reject unknown options with their own errors; accepting all of them
    here lets the schema report them as ``mldesign.schema`` warnings at the item's line,
    and lets ``mldesign_schema_extensions`` add options without code.
    """

    def __missing__(self, key: str) -> Any:
        return directives.unchanged


def option_spec_for(type_name: str) -> AnyOptionSpec:
    properties = base_schema(type_name)["properties"]
    return AnyOptionSpec(dict.fromkeys(properties, directives.unchanged))


class ItemDirective(SphinxDirective):
    """``.. <type>:: <title>`` with ``:id:`` and the type's options."""

    item_type: ClassVar[ItemType]
    has_content = True
    required_arguments = 0  # a missing title is a schema warning, not a docutils error
    optional_arguments = 1
    final_argument_whitespace = True

    def derive(self, values: dict[str, Any]) -> None:
        """Add values computed from the options (a risk's score)."""

    def run(self) -> list[nodes.Node]:
        type_name = self.item_type.name
        schema = get_config(self.env).schemas.of(type_name)
        lines = option_lines(self)  # before the placeholders are taken out
        unreadable = take_unreadable(self.options, schema.options, rst=is_rst(self))
        in_body, body_options = options_in_body(self, schema.options)
        if in_body is not None:
            unreadable.append(in_body)
        values, problems, invalid = schema.process(
            self.options,
            [*(problem.option for problem in unreadable if problem.option), *body_options],
        )
        problems = [*unreadable, *(at_option_line(problem, lines) for problem in problems)]
        raw_title = self.arguments[0].strip() if self.arguments else ""
        title_nodes: list[nodes.Node] = []
        messages: list[nodes.system_message] = []
        if raw_title:
            title_nodes, messages = self._inline(raw_title)
        else:
            problems.insert(0, Problem(f"{type_name} needs a title (the directive's argument)"))
        self.derive(values)

        item_id = values.get("id")
        if not isinstance(item_id, str):
            item_id = None
        source, lineno = self.get_source_info()
        anchor = None
        if item_id:
            anchor = item_id
            if anchor in self.state.document.ids:  # a section or label already took it
                anchor = make_id(self.env, self.state.document, "ml", item_id)
        item = Item(
            id=item_id,
            type=type_name,
            title=" ".join("".join(node.astext() for node in title_nodes).split()),
            docname=self.env.docname,
            lineno=lineno or self.lineno,
            anchor=anchor,
            source=included_source(self.env, source),
            invalid_options=invalid,
            option_lines=lines,
            values=values,
            problems=problems,
            refs=[
                OptionRef(name, target, schema.options[name].refs)
                for name, target in _ref_values(schema, values)
            ],
        )
        get_ml_domain(self.env).note_item(item)

        self._field_messages: list[nodes.system_message] = []
        block = ml_item(classes=["ml-item", f"ml-{self.item_type.objtype}"])
        self.set_source_info(block)
        if anchor:
            target = nodes.target("", "", ids=[anchor])
            self.state.document.set_id(target)  # so later sections pick another id
            # Domain xrefs and roll-ups link here, which docutils cannot see: without this
            # every item leaves an INFO "target is not referenced" system message in the
            # document, kept in memory until the page is written (~2 KiB per item).
            target.referenced = True
            block += target
        block += self._header(item, title_nodes)
        fields = self._fields(schema, values)
        if fields.children:
            block += fields
        block += self.parse_content_to_nodes()
        return [block, *messages, *self._field_messages]

    def _inline(self, text: str) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        """Inline markup parsed as the document's parser would (RST or MyST)."""
        if _PLAIN_TEXT_RE.fullmatch(text):
            return [nodes.Text(text)], []
        return self.parse_inline(text, lineno=self.lineno)

    def _header(self, item: Item, title_nodes: list[nodes.Node]) -> ml_item_header:
        header = ml_item_header(classes=["ml-item-header"])
        header["ml_anchor"] = item.anchor
        header += nodes.inline("", self.item_type.label, classes=["ml-item-type"])
        header += nodes.Text(" ")
        header += nodes.strong("", "", *title_nodes, classes=["ml-item-title"])
        if item.id:
            header += nodes.Text(" ")
            header += ml_id(item.id, item.id, classes=["ml-item-id"])
        for option in self.item_type.badges:
            value = item.values.get(option)
            if value is not None:
                header += nodes.Text(" ")
                header += ml_badge(
                    "", str(value), classes=["ml-badge", f"ml-{option}", f"ml-{option}-{value}"]
                )
        return header

    def _fields(self, schema: ItemSchema, values: dict[str, Any]) -> nodes.field_list:
        field_list = nodes.field_list(classes=["ml-item-fields"])
        for name, spec in schema.options.items():
            if name == "id" or name not in self.options:
                continue
            if name not in values:  # invalid: shown as written, marked (reported as schema)
                raw = str(self.options[name] or "")
                written = _code_nodes([raw]) if spec.code else [nodes.Text(raw)]
                shown = nodes.inline(
                    "", "", *written, nodes.Text(" (invalid)"), classes=["ml-invalid"]
                )
                field_list += self._field(name, [shown])
            elif name not in self.item_type.badges:  # a valid badge shows in the header
                field_list += self._field(name, self._value_nodes(spec, values[name]))
        for name, value in self.derived_fields(values):
            field_list += self._field(name, [nodes.Text(value)])
        return field_list

    def derived_fields(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        """Extra (label, text) fields computed from the options."""
        return []

    def _field(self, name: str, value_nodes: list[nodes.Node]) -> nodes.field:
        return nodes.field(
            "",
            nodes.field_name("", name.replace("-", " ").capitalize()),
            nodes.field_body("", nodes.paragraph("", "", *value_nodes)),
        )

    def _value_nodes(self, spec: OptionSpec, value: Any) -> list[nodes.Node]:
        if spec.format in ("ref", "refs"):
            targets = [value] if isinstance(value, str) else value
            out: list[nodes.Node] = []
            for index, target in enumerate(targets):
                if index:
                    out.append(nodes.Text(", "))
                out.append(pending_ref(target, spec.refs, self.env.docname))
            return out
        if spec.code:
            return _code_nodes(value if isinstance(value, list) else [value])
        if spec.format == "condition":
            return [nodes.literal(value["text"], value["text"])]
        if spec.format == "duration":
            return [nodes.Text(value["text"])]
        if isinstance(value, list):
            return [nodes.Text(", ".join(str(v) for v in value))]
        if spec.name == "email":
            return [nodes.reference(value, value, refuri=f"mailto:{value}")]
        if is_web_url(value) and _ONE_WORD_RE.fullmatch(value.partition("://")[2]):
            # A link whatever the parser: MyST does not auto-link bare URLs.
            return [nodes.reference(value, value, refuri=value)]
        if spec.format == "text" and isinstance(value, str) and not spec.enum:
            # Free text may hold inline markup and links (runbooks, rationale).
            parsed, messages = self._inline(value)
            self._field_messages.extend(messages)
            return parsed
        return [nodes.Text(str(value))]


def _code_nodes(values: list[Any]) -> list[nodes.Node]:
    """Code as inline literals, which no builder or transform rewrites: the smart-quotes
    transform would curl the quotes of ``{code=~"5.."}`` and make ``--`` a dash."""
    out: list[nodes.Node] = []
    for index, value in enumerate(values):
        if index:
            out.append(nodes.Text(", "))
        out.append(nodes.literal(str(value), str(value)))
    return out


def _ref_values(schema: ItemSchema, values: dict[str, Any]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for name, spec in schema.options.items():
        if spec.format not in ("ref", "refs") or name not in values or name == "id":
            continue
        value = values[name]
        for target in [value] if isinstance(value, str) else value:
            pairs.append((name, target))
    return pairs


def pending_ref(item_id: str, allowed: tuple[str, ...], docname: str) -> addnodes.pending_xref:
    """A link from an option value (written in ``docname``) to an item, shown as the ID."""
    role = ITEM_TYPES[allowed[0]].role if len(allowed) == 1 else ANY_ROLE
    ref = addnodes.pending_xref(
        "", refdomain=DOMAIN, reftype=role, reftarget=item_id, refexplicit=True,
        refwarn=False, refdoc=docname,
    )  # fmt: skip
    ref += ml_id(item_id, item_id, classes=["ml-ref"])
    return ref
