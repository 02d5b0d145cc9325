"""Dotted paths into a raw scenario dict, and ``PATH=VALUE`` assignments of the command line.

A path such as ``sites.aktau.gas_price_usd_per_mmbtu`` addresses a value of
``load_scenario(base).model_dump(mode="json")``; list items are addressed by their index.
"""

from __future__ import annotations

import copy
from typing import Any

import yaml

from dcpower.errors import ScenarioError
from dcpower.scenario import CATALOGUE_BASIS_PATHS, CATALOGUE_SELECTORS


def split_path(path: str) -> list[str]:
    """Split a dotted path (``sites.aktau.gas_price_usd_per_mmbtu``) into its keys.

    Raises
    ------
    ScenarioError
        If the path is empty or has an empty part.
    """
    if not isinstance(path, str) or not path.strip():
        raise ScenarioError(f"sweep: path {path!r}: expected a dotted path like economics.wacc")
    parts = path.strip().split(".")
    if any(not p for p in parts):
        raise ScenarioError(f"sweep: path '{path}': empty part between dots")
    return parts


def _walk(raw: dict, path: str) -> tuple[Any, str | int]:
    """Return the container holding the path's last key, and that key (checked to exist)."""
    parts = split_path(path)
    node: Any = raw
    for depth, part in enumerate(parts):
        here = ".".join(parts[:depth]) or "the scenario"
        key: str | int = part
        if isinstance(node, dict):
            if part not in node:
                allowed = ", ".join(str(k) for k in node) or "none"
                raise ScenarioError(
                    f"sweep: unknown path '{path}': {here} has no '{part}'; allowed: {allowed}"
                )
        elif isinstance(node, list):
            if not part.lstrip("-").isdigit() or not -len(node) <= int(part) < len(node):
                raise ScenarioError(
                    f"sweep: unknown path '{path}': {here} is a list of {len(node)}; "
                    f"'{part}' is not an index in it"
                )
            key = int(part)
        else:
            raise ScenarioError(
                f"sweep: unknown path '{path}': {here} is a value ({node!r}), not a section"
            )
        if depth == len(parts) - 1:
            return node, key
        node = node[key]
    raise AssertionError("unreachable")


def get_path(raw: dict, path: str) -> Any:
    """Return the value at a dotted path of a raw scenario dict.

    Raises
    ------
    ScenarioError
        If the path does not exist (the message names it and what is allowed there).
    """
    node, key = _walk(raw, path)
    return node[key]


def set_path(raw: dict, path: str, value: Any) -> None:
    """Set the value at an existing dotted path of a raw scenario dict (in place).

    Raises
    ------
    ScenarioError
        If the path does not exist.
    """
    if path in CATALOGUE_BASIS_PATHS:
        raise ScenarioError(
            f"{path}: picks the catalogue figures every technology and site is loaded with; "
            "set it before loading (load_scenario(..., economics=...)), not on a loaded scenario"
        )
    node, key = _walk(raw, path)
    node[key] = copy.deepcopy(value)
    # A field that picks a catalogue figure (a gas price case) re-fills what it picked; a
    # figure set by hand is the scenario's own, no longer the picked one.
    for filled in CATALOGUE_SELECTORS.get(key, ()):
        node.pop(filled, None)
    for selector, filled in CATALOGUE_SELECTORS.items():
        if key in filled and selector in node:
            node[selector] = "scenario"


def _split_values(text: str) -> list[str]:
    """Split ``a,b,[c,d]`` at top-level commas (not inside brackets, braces or quotes)."""
    parts, depth, quote, current = [], 0, "", []
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts]


def _yaml_value(text: str, where: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        raise ScenarioError(f"{where}: cannot read value {text!r}") from None


def parse_assignment(text: str, many: bool = True) -> tuple[str, Any]:
    """Parse ``path=v1,v2,...`` (``many``) or ``path=value`` from the command line.

    Values are read as YAML: ``2`` is a number, ``[pv_fixed, recip_engine]`` a list,
    ``null`` None. With ``many``, values are split at top-level commas and a list of them is
    returned.

    Raises
    ------
    ScenarioError
        If there is no ``=``, no path or no value.
    """
    path, sep, rhs = text.partition("=")
    path = path.strip()
    where = f"'{text}'"
    if not sep or not path or not rhs.strip():
        raise ScenarioError(
            f"{where}: expected PATH=VALUE{',VALUE...' if many else ''}, "
            "e.g. sites.aktau.gas_price_usd_per_mmbtu=2,4,6"
        )
    split_path(path)
    if not many:
        return path, _yaml_value(rhs.strip(), where)
    items = _split_values(rhs)
    if any(not item for item in items):
        raise ScenarioError(f"{where}: empty value between commas")
    return path, [_yaml_value(item, where) for item in items]
