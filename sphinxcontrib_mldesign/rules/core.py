"""The rules every item is held to: ``schema``, ``duplicate-id``, ``unknown-ref``."""

from __future__ import annotations

from collections.abc import Iterator

from ..domain import ANY_ROLE
from ..model.formats import did_you_mean
from ..model.items import ITEM_TYPES, TYPE_BY_ROLE, qualify, split_qualified
from ..model.project import Project
from ..model.rules import Rule
from .findings import Finding


def schema_problems(context: Project) -> Iterator[Finding]:
    for item in context.items:
        for problem in item.problems:
            yield Finding(Rule.SCHEMA, item, problem.message, lineno=problem.lineno)
    for use in context.rollups:  # options of the roll-up directives
        for problem in use.problems:
            yield Finding(Rule.SCHEMA, use, problem.message, lineno=problem.lineno)


def duplicates(context: Project) -> Iterator[Finding]:
    for item in context.items:
        if item.id is None:
            continue
        first = context.index[item.id]
        if first is not item:
            yield Finding(
                Rule.DUPLICATE_ID,
                item,
                f"duplicate ID {item.id!r}: already used by the {first.type} "
                f"{first.title!r} ({first.docname}, line {first.lineno})",
                lineno=item.line_of("id"),
            )


def _describe_target(context: Project, target: str, allowed: tuple[str, ...]) -> str | None:
    """None when the target is fine (or in an import that could not be read, which is
    reported once, as ``import``), else why it is not."""
    found = context.lookup.get(target)
    if found is None:
        imported = split_qualified(target, context.config.imports).project
        if imported is not None:
            project = context.imports.get(imported)
            if project is None:
                return None
            of_type = (i for i, item in project.items.items() if item.type in allowed)
            return (
                f"{target!r} names no item of the imported project {imported!r}"
                f"{did_you_mean(target, of_type)}"
            )
        prefix, item_id = split_qualified(target)  # whatever its name before a ':'
        if prefix is not None:  # a prefix close to an import's name ("Payments:", "paymnts:")
            qualified = (qualify(name, item_id) for name in context.imports)
            hint = did_you_mean(target, [q for q in qualified if q in context.lookup])
            if hint:
                return f"{target!r} names no item{hint}"
        local = [i for i, item in context.index.items() if item.type in allowed]
        hint = did_you_mean(target, local)
        if (
            prefix is not None
            and not hint
            and not any(split_qualified(i).project == prefix for i in context.index)
        ):
            # Qualified by a name no import has (nor this project's IDs, which may hold ':').
            return f"{target!r} names no item: no import is named {prefix!r} (mldesign_imports)"
        return f"{target!r} names no item{hint}"
    if found.type not in allowed:
        return f"{target!r} is an {found.type}, expected {' or '.join(allowed)}"
    return None


def unknown_refs(context: Project) -> Iterator[Finding]:
    for item in context.items:
        for ref in item.refs:
            problem = _describe_target(context, ref.target, ref.allowed)
            if problem:
                message = f":{ref.option}: {problem}"
                yield Finding(Rule.UNKNOWN_REF, item, message, lineno=item.line_of(ref.option))
    for use in context.rollups:  # roll-up options naming items (ml-trace :ids:)
        for ref in use.refs:
            problem = _describe_target(context, ref.target, ref.allowed)
            if problem:
                message = f"ml-{use.kind} :{ref.option}: {problem}"
                yield Finding(Rule.UNKNOWN_REF, use, message, lineno=use.line_of(ref.option))
    every_type = tuple(ITEM_TYPES)
    inventories = context.inventories
    for role_ref in context.role_refs:
        inventory = split_qualified(role_ref.target, inventories).project
        if (
            inventory is not None
            and inventory not in context.config.imports
            and role_ref.target not in context.index
        ):
            continue  # another project's item: intersphinx resolves (and reports) it
        allowed = every_type if role_ref.role == ANY_ROLE else (TYPE_BY_ROLE[role_ref.role].name,)
        problem = _describe_target(context, role_ref.target, allowed)
        if problem:
            yield Finding(Rule.UNKNOWN_REF, role_ref, f":ml:{role_ref.role}: {problem}")


CHECKS = (schema_problems, duplicates, unknown_refs)
