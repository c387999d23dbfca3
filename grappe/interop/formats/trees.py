"""Reading a JSON or YAML file into Python values, with the error a curator can act on
(where it breaks, and why) instead of an exception: what every tree-shaped parser starts with."""

import json
from typing import Any

import yaml

_UNREAD = object()


def json_tree(content: bytes, source: str, errors: list[tuple[str, str]]) -> Any:
    """The parsed JSON, or UNREAD after adding the located reason to `errors`."""
    try:
        return json.loads(content)
    except json.JSONDecodeError as error:
        where = f"{source}: line {error.lineno}, column {error.colno}"
        errors.append((where, f"not valid JSON: {error.msg}"))
    except UnicodeDecodeError as error:
        errors.append((source, f"not UTF-8 text (byte {error.start}): {error.reason}"))
    return _UNREAD


def yaml_tree(text: str, source: str, errors: list[tuple[str, str]]) -> Any:
    """The parsed YAML (already decoded text), or UNREAD after adding the located reason."""
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        at = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        errors.append((f"{source}: {at}" if source else at, f"not valid YAML: {error.problem}"))
    except yaml.YAMLError as error:
        errors.append((f"{source}: file" if source else "file", f"not valid YAML: {error}"))
    return _UNREAD


def unread(tree: Any) -> bool:
    return tree is _UNREAD
