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


class NoAliasSafeLoader(yaml.SafeLoader):
    """PyYAML's safe loader without aliases (`*name`): nested aliases make a few hundred bytes
    expand into hundreds of millions of values (an "alias bomb"), and none of the catalogue
    formats Grappe reads needs them."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.get_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not accepted", event.start_mark
            )
        return super().compose_node(parent, index)


def yaml_tree(text: str, source: str, errors: list[tuple[str, str]]) -> Any:
    """The parsed YAML (already decoded text), or UNREAD after adding the located reason."""
    try:
        return yaml.load(text, Loader=NoAliasSafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        at = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        errors.append((f"{source}: {at}" if source else at, f"not valid YAML: {error.problem}"))
    except yaml.YAMLError as error:
        errors.append((f"{source}: file" if source else "file", f"not valid YAML: {error}"))
    return _UNREAD


def unread(tree: Any) -> bool:
    return tree is _UNREAD
