"""YAML for input files, read defensively: no duplicate keys, no alias bombs, plain files only.

``yaml.safe_load`` accepts a mapping that names a key twice (the last one silently wins:
``it_capacity_mw`` given twice runs the second value) and expands nested aliases without
bound (a few lines of "billion laughs" hang a run or print a multi-megabyte error).
:func:`load_yaml` refuses both with a :class:`yaml.YAMLError` that names the line, so every
caller's existing "not valid YAML at line ..." message covers them. :func:`read_text` reads
an input file only if it is a regular file of sensible size in UTF-8.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, SequenceNode

#: Largest input text file read (scenario, sweep, site, run-folder YAML). [bytes]
MAX_INPUT_BYTES = 10_000_000

#: Most nodes a document may hold once its aliases are expanded (a scenario has hundreds).
MAX_EXPANDED_NODES = 200_000


class _StrictLoader(yaml.SafeLoader):
    """Safe loader that refuses duplicate mapping keys and alias bombs."""

    def construct_document(self, node: Node) -> Any:
        _check_expanded_size(node)
        return super().construct_document(node)

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: the base class reports it
                break
            if first is not None:
                raise ConstructorError(
                    f"in the mapping from line {node.start_mark.line + 1}",
                    node.start_mark,
                    f"duplicate key {shortened(key)!r} (first at line {first.start_mark.line + 1})",
                    key_node.start_mark,
                )
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


def _check_expanded_size(root: Node) -> None:
    """Refuse a document whose aliases expand to more than :data:`MAX_EXPANDED_NODES` nodes.

    Aliases share nodes, so the size with every alias expanded is counted once per distinct
    node (memoized): a few lines of nested aliases are caught before anything is built.
    """
    sizes: dict[int, int] = {}

    def size(node: Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        sizes[id(node)] = 1  # a recursive alias counts once, not forever
        total = 1
        if isinstance(node, SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        total = min(total, MAX_EXPANDED_NODES + 1)
        sizes[id(node)] = total
        return total

    if size(root) > MAX_EXPANDED_NODES:
        raise ConstructorError(
            None,
            None,
            f"the document expands to more than {MAX_EXPANDED_NODES:,} values "
            "(nested aliases); refused",
            root.start_mark,
        )


def shortened(value: Any, limit: int = 60) -> str:
    """Return a value for a message: as text, cut to ``limit`` characters."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def load_yaml(text: str) -> Any:
    """Parse YAML text like ``yaml.safe_load``, refusing duplicate keys and alias bombs.

    Raises
    ------
    yaml.YAMLError
        Invalid YAML, a key given twice in one mapping (named, with both lines), or aliases
        that expand beyond :data:`MAX_EXPANDED_NODES` values.
    """
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except RecursionError:
        raise yaml.YAMLError("nested too deeply to read") from None


def read_text(path: str | Path, max_bytes: int = MAX_INPUT_BYTES) -> str:
    """Read an input file as UTF-8 text, if it is a regular file no larger than ``max_bytes``.

    Raises
    ------
    ValueError
        With one line saying what is wrong (a folder, a device, too large, not UTF-8) and
        never the file's content.
    FileNotFoundError
        If there is no such file.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: file not found")
    if not path.is_file():
        raise ValueError(f"{path}: not a regular file (a folder or a device)")
    size = path.stat().st_size
    if size > max_bytes:
        raise ValueError(f"{path}: {size:,} bytes, more than the {max_bytes:,} read")
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(f"{path}: not UTF-8 text (byte {err.start})") from None


def yaml_problem(err: yaml.YAMLError) -> str:
    """Return a YAML error as one line: where and what, without the text around it."""
    mark = getattr(err, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    problem = getattr(err, "problem", None) or (str(err).splitlines() or ["unreadable"])[0]
    return f"not valid YAML{where}: {shortened(problem, 200)}"
