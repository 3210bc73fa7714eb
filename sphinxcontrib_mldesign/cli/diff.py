"""``mldesign diff``: what changed between two exports, for a pull-request review."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema

from ..export import export_schema
from ..model.formats import counted
from ..model.items import ITEM_TYPES, split_qualified
from ..model.schema import ref_options
from .errors import UsageError, load_json

#: Keys that say where an item is, not what it says: a moved item has not changed.
_PLACE = {"docname", "lineno"}


def run_diff(old_path: Path, new_path: Path, fmt: str) -> int:
    old, new = load_export(old_path), load_export(new_path)
    changes = compare(old, new)
    if fmt == "json":
        print(json.dumps(changes, indent=2, sort_keys=True, ensure_ascii=False))
    elif fmt == "md":
        print(_markdown(changes), end="")
    else:
        print(_text(changes), end="")
    return 0


def load_export(path: Path) -> dict[str, Any]:
    data = load_json(path)
    try:
        jsonschema.validate(data, export_schema())
    except jsonschema.ValidationError as err:
        where = "/".join(map(str, err.absolute_path)) or "top level"
        raise UsageError(f"{path}: not an mldesign export ({where}: {err.message})") from None
    exported: dict[str, Any] = data
    return exported


def _violation_key(violation: dict[str, Any]) -> tuple[str, str, str]:
    # Line numbers shift with every edit; a violation is the same if rule, item and text are.
    return (violation["rule"], violation["item"] or violation["docname"], violation["message"])


def compare(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    old_items, new_items = old["items"], new["items"]
    changed = {}
    for item_id in sorted(old_items.keys() & new_items.keys()):
        before, after = old_items[item_id], new_items[item_id]
        fields = {
            key: {"old": before.get(key), "new": after.get(key)}
            for key in sorted((before.keys() | after.keys()) - _PLACE)
            if before.get(key) != after.get(key)
        }
        if fields:
            changed[item_id] = fields
    old_violations = {_violation_key(v): v for v in old["violations"]}
    new_violations = {_violation_key(v): v for v in new["violations"]}
    old_refs, new_refs = _foreign_refs(old_items), _foreign_refs(new_items)
    return {
        "added": [new_items[i] for i in sorted(new_items.keys() - old_items.keys())],
        "removed": [old_items[i] for i in sorted(old_items.keys() - new_items.keys())],
        "changed": changed,
        "violations_introduced": [
            new_violations[k] for k in sorted(new_violations.keys() - old_violations.keys())
        ],
        "violations_resolved": [
            old_violations[k] for k in sorted(old_violations.keys() - new_violations.keys())
        ],
        "foreign_refs_added": [_ref(key) for key in sorted(new_refs - old_refs)],
        "foreign_refs_removed": [_ref(key) for key in sorted(old_refs - new_refs)],
    }


def _foreign_refs(items: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(item, option, target) of every ref to another project's item: a qualified ID
    (``payments:REQ-1``) that is not an item of this export. A review should see a new
    dependency on another team's promise."""
    found = set()
    for item_id, item in items.items():
        if item.get("type") not in ITEM_TYPES:
            continue
        for option in ref_options(item["type"]) & item.keys():
            value = item[option]
            for target in value if isinstance(value, list) else [value]:
                if (
                    isinstance(target, str)
                    and split_qualified(target).project is not None
                    and target not in items
                ):
                    found.add((item_id, option, target))
    return found


def _ref(key: tuple[str, str, str]) -> dict[str, str]:
    return dict(zip(("item", "option", "target"), key, strict=True))


def _show(value: Any) -> str:
    if value is None:
        return "(unset)"
    if isinstance(value, dict) and "text" in value:
        return str(value["text"])
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "(none)"
    return str(value)


def _summary(changes: dict[str, Any]) -> str:
    summary = (
        f"{len(changes['added'])} added, {len(changes['removed'])} removed, "
        f"{len(changes['changed'])} changed; "
        f"{counted(len(changes['violations_introduced']), 'violation')} introduced, "
        f"{len(changes['violations_resolved'])} resolved"
    )
    added, removed = len(changes["foreign_refs_added"]), len(changes["foreign_refs_removed"])
    if added or removed:
        summary += f"; {counted(added, 'reference')} to other projects added, {removed} removed"
    return summary


def _text(changes: dict[str, Any]) -> str:
    lines = []
    for item in changes["added"]:
        lines.append(f"+ {item['id']} ({item['type']}): {item['title']}")
    for item in changes["removed"]:
        lines.append(f"- {item['id']} ({item['type']}): {item['title']}")
    for item_id, fields in changes["changed"].items():
        lines.append(f"~ {item_id}")
        for key, values in fields.items():
            lines.append(f"    {key}: {_show(values['old'])} -> {_show(values['new'])}")
    for v in changes["violations_introduced"]:
        lines.append(
            f"! new {v['severity']} [{v['rule']}] {v['item'] or v['docname']}: {v['message']}"
        )
    for v in changes["violations_resolved"]:
        lines.append(f"✓ resolved [{v['rule']}] {v['item'] or v['docname']}: {v['message']}")
    for label, key in (
        ("now names", "foreign_refs_added"),
        ("no longer names", "foreign_refs_removed"),
    ):
        for ref in changes[key]:
            lines.append(f"> {ref['item']} :{ref['option']}: {label} {ref['target']}")
    lines.append(_summary(changes))
    return "\n".join(lines) + "\n"


# What GitHub Markdown would read as markup in a table cell: emphasis, code, links and
# images, the cell separator, strikethrough; HTML tags and entities; autolinks.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]()|!~])")
# GitHub finds @mentions, and e-mail addresses to link, in the text Markdown rendered, so a
# backslash before "@" does not stop them. A zero-width space right after each "@" does:
# both need a letter or digit there. It is invisible, so "@octocat" reads as written (it is
# what Dependabot puts in its pull requests for the same reason).
_AT = "@\u200b"
_HTML_TAG = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_AUTOLINK = re.compile(r"(?<=\w)(:)(?=//)|(?<=\bwww)(\.)", re.IGNORECASE)


def _cell(value: Any) -> str:
    """A value as the text of a GitHub Markdown table cell, on one line, nothing in it
    live: a title holding HTML, an image, an @mention or an e-mail address shows as written."""
    text = " ".join(_show(value).split())
    text = _MARKDOWN_PUNCTUATION.sub(r"\\\1", text).replace("@", _AT)
    text = _AUTOLINK.sub(lambda match: "\\" + match.group(0), text)
    return _HTML_TAG.sub("&lt;", _ENTITY.sub("&amp;", text))


def _markdown(changes: dict[str, Any]) -> str:
    out = ["### Design doc changes", "", _summary(changes) + ".", ""]
    if changes["added"] or changes["removed"]:
        out += ["| | ID | Type | Title |", "|---|---|---|---|"]
        out += [
            f"| added | `{i['id']}` | {i['type']} | {_cell(i['title'])} |" for i in changes["added"]
        ]
        out += [
            f"| removed | `{i['id']}` | {i['type']} | {_cell(i['title'])} |"
            for i in changes["removed"]
        ]
        out.append("")
    if changes["changed"]:
        out += ["| ID | Field | Before | After |", "|---|---|---|---|"]
        for item_id, fields in changes["changed"].items():
            for key, values in fields.items():
                out.append(
                    f"| `{item_id}` | {_cell(key)} | {_cell(values['old'])} "
                    f"| {_cell(values['new'])} |"
                )
        out.append("")
    if changes["violations_introduced"] or changes["violations_resolved"]:
        out += ["| | Severity | Rule | Item | Message |", "|---|---|---|---|---|"]
        for label, key in (("new", "violations_introduced"), ("resolved", "violations_resolved")):
            for v in changes[key]:
                out.append(
                    f"| {label} | {v['severity']} | `{v['rule']}` | `{v['item'] or v['docname']}` "
                    f"| {_cell(v['message'])} |"
                )
        out.append("")
    if changes["foreign_refs_added"] or changes["foreign_refs_removed"]:
        out += ["| | Item | Option | Other project's item |", "|---|---|---|---|"]
        for label, key in (("added", "foreign_refs_added"), ("removed", "foreign_refs_removed")):
            for ref in changes[key]:
                out.append(
                    f"| {label} | `{ref['item']}` | {_cell(ref['option'])} | `{ref['target']}` |"
                )
        out.append("")
    return "\n".join(out)
