"""Docs-only directives that render reference tables from the package's own sources.

The rule registry (:mod:`sphinxcontrib_mldesign.model.rules`) and the shipped JSON Schemas
are the single source of truth; these tables are generated from them on every build, so
the documentation cannot drift from the code.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from sphinxcontrib_mldesign.cli import _parser as cli_parser
from sphinxcontrib_mldesign.config import MLDesignConfig, conf_values
from sphinxcontrib_mldesign.model.items import ITEM_TYPES
from sphinxcontrib_mldesign.model.rules import Rule
from sphinxcontrib_mldesign.model.schema import base_schema
from sphinxcontrib_mldesign.rollups import ROLLUPS
from sphinxcontrib_mldesign.rollups.directive import COMMON_OPTIONS

FORMAT_LABELS = {
    "text": "text",
    "list": "list",
    "ref": "ref",
    "refs": "refs",
    "date": "date",
    "duration": "duration",
    "condition": "condition",
    "promql": "PromQL",
}


def _list_table(header: list[str], rows: list[list[str]], widths: str) -> str:
    lines = [".. list-table::", "   :header-rows: 1", f"   :widths: {widths}", ""]
    for row in [header, *rows]:
        lines.append(f"   * - {row[0] or ' '}")
        lines.extend(f"     - {cell or ' '}" for cell in row[1:])
    return "\n".join(lines)


#: One message per rule, copied from a real build by tests/test_warnings.py.
EXAMPLES = Path(__file__).parents[1] / "reference" / "warning-examples.json"


class RulesTable(SphinxDirective):
    """``.. mldesign-rules-table::`` — every rule of the registry, then one real message
    of each."""

    def run(self) -> list[nodes.Node]:
        rows = [[f"``{rule.subtype}``", rule.severity, rule.fires_when, rule.fix] for rule in Rule]
        self.env.note_dependency(str(EXAMPLES))
        examples = json.loads(EXAMPLES.read_text(encoding="utf-8"))
        example_rows = [[f"``{rule.subtype}``", f"``{examples[rule.subtype]}``"] for rule in Rule]
        return self.parse_text_to_nodes(
            _list_table(
                ["Rule (subtype)", "Default", "Fires when", "How to fix"], rows, "16 9 40 35"
            )
            + "\n\n.. rubric:: One message of each rule, from a real build\n\n"
            + _list_table(["Rule", "Message"], example_rows, "20 80")
        )


class OptionsTable(SphinxDirective):
    """``.. mldesign-options-table:: <type>`` — every option of an item type's schema."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        type_name = self.arguments[0]
        if type_name not in ITEM_TYPES:
            raise self.error(f"unknown item type {type_name!r}")
        schema = MLDesignConfig().schemas.of(type_name)
        required = set(schema.required)
        rows = []
        for name, spec in schema.options.items():
            if spec.format in ("ref", "refs"):
                targets = ", ".join(f"``{t}``" for t in spec.refs)
                value = f"{spec.format} → {targets}"
            elif spec.enum:
                value = " ".join(f"``{choice}``" for choice in spec.enum)
            else:
                value = FORMAT_LABELS.get(spec.format, spec.format)
            default = f"``{spec.default}``" if spec.default is not None else ""
            if name in required:
                default = "*required*"
            rows.append([f"``:{name}:``", value, default, spec.description])
        return self.parse_text_to_nodes(
            _list_table(["Option", "Value", "Default", "Meaning"], rows, "18 32 12 38")
        )


class SchemaDescription(SphinxDirective):
    """``.. mldesign-type-description:: <type>`` — the schema's own description."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        schema: dict[str, Any] = base_schema(self.arguments[0])
        return [nodes.paragraph("", schema.get("description", ""))]


class RollupsReference(SphinxDirective):
    """``.. mldesign-rollups-reference::`` — every roll-up directive and its options."""

    def run(self) -> list[nodes.Node]:
        lines: list[str] = []
        for name, (directive, _) in ROLLUPS.items():
            lines += [f"``.. {name}::``", "   " + directive.summary, ""]
            rows = []
            for option, (type_name, field) in directive.filters.items():
                choices = base_schema(type_name)["properties"][field].get("enum")
                values = " ".join(f"``{c}``" for c in choices) if choices else "any values"
                rows.append(
                    [f"``:{option}:``", f"Only items whose ``{field}`` is one of: {values}"]
                )
            for option in directive.extra_options:
                rows.append([f"``:{option}:``", directive.option_help.get(option, "")])
            for option, meaning in COMMON_OPTIONS.items():
                rows.append([f"``:{option}:``", meaning])
            if rows:
                table = _list_table(["Option", "Meaning"], rows, "20 80")
                lines += ["   " + line if line else "" for line in table.splitlines()]
            else:
                lines.append("   No options.")
            lines.append("")
        return self.parse_text_to_nodes("\n".join(lines))


class ConfigReference(SphinxDirective):
    """``.. mldesign-config-reference::`` — every ``mldesign_*`` value of ``conf.py``."""

    def run(self) -> list[nodes.Node]:
        rows = []
        for name, default, rebuild, doc in conf_values():
            effect = "re-reads every document" if rebuild == "env" else "re-reads nothing"
            rows.append([f"``{name}``", f"``{default!r}``", effect, doc])
        return self.parse_text_to_nodes(
            _list_table(["Name", "Default", "On change", "Meaning"], rows, "24 12 14 50")
        )


class RolesReference(SphinxDirective):
    """``.. mldesign-roles-reference::`` — the roles of the ``ml`` domain."""

    def run(self) -> list[nodes.Node]:
        rows = [
            [f"``:ml:{t.role}:``", f"``{{ml:{t.role}}}``", f"a {t.label.lower()} (``{t.name}``)"]
            for t in ITEM_TYPES.values()
        ]
        rows.append(["``:ml:ref:``", "``{ml:ref}``", "an item of any type"])
        return self.parse_text_to_nodes(
            _list_table(["RST role", "MyST role", "Links to"], rows, "25 25 50")
        )


class CLIReference(SphinxDirective):
    """``.. mldesign-cli-reference::`` — the ``--help`` of the command and subcommands."""

    def run(self) -> list[nodes.Node]:
        previous = os.environ.get("COLUMNS")
        os.environ["COLUMNS"] = "88"  # argparse wraps to the terminal: make it fixed
        try:
            parser = cli_parser()
            helps = [("mldesign", parser.format_help())]
            for action in parser._subparsers._group_actions:  # type: ignore[union-attr]
                for name, sub in action.choices.items():
                    helps.append((f"mldesign {name}", sub.format_help()))
        finally:
            if previous is None:
                del os.environ["COLUMNS"]
            else:
                os.environ["COLUMNS"] = previous
        out: list[nodes.Node] = []
        for title, text in helps:
            out.append(nodes.rubric("", title))
            out.append(nodes.literal_block(text, text, language="text"))
        return out


GAPS = Path(__file__).parents[1] / "gaps"


def build_gaps_example(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: build ``docs/gaps`` (a design doc with every gap, which fails its
    checks on purpose) into ``gaps/`` of this site, in a process of its own so its warnings
    stay its own."""
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir) / "gaps"
    command = [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(GAPS), str(out),
               "-d", str(Path(app.doctreedir) / "gaps")]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"building {GAPS} failed:\n{result.stderr}")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("build-finished", build_gaps_example)
    app.add_directive("mldesign-rules-table", RulesTable)
    app.add_directive("mldesign-options-table", OptionsTable)
    app.add_directive("mldesign-type-description", SchemaDescription)
    app.add_directive("mldesign-rollups-reference", RollupsReference)
    app.add_directive("mldesign-config-reference", ConfigReference)
    app.add_directive("mldesign-roles-reference", RolesReference)
    app.add_directive("mldesign-cli-reference", CLIReference)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
