"""YAML as plain data only, with the line of every value.

A trainer writes the files by hand, so YAML; but YAML can do far more than data. Refused: anchors and
aliases (an alias bomb expands a few hundred bytes into gigabytes), explicit tags (`!!python/object`, or any
`!thing`), duplicate keys (the second silently wins in PyYAML), non-UTF-8 bytes, files too large, too many
nodes or too deep. The checks run on PyYAML's event stream before any node is composed, so an alias is
never followed. Mapping keys must be strings; dates stay strings (the schema decides what a value means).
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from alliance.exercises.domain.scenario_package import vocabulary as V

Path = tuple[str | int, ...]


class YamlRefused(ValueError):
    def __init__(self, line: int, reason: str):
        self.line, self.reason = line, reason
        super().__init__(f"{line}: {reason}")


@dataclass(frozen=True)
class Document:
    data: object
    lines: dict[Path, int]  # every value's line (1-based); a mapping value's is its key's line

    def line_of(self, path: Path) -> int:
        """The line of the nearest enclosing value that exists (a missing key's mapping)."""
        path = tuple(path)
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)


# libyaml's parser when PyYAML was built with it (about ten times faster); the same events and marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PLAIN_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
               "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"}


def decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlRefused(raw.count(b"\n", 0, exc.start) + 1, "not UTF-8 text") from None
    return text.removeprefix("\ufeff")


def load(raw: bytes) -> Document:
    if len(raw) > V.MAX_YAML_BYTES:
        raise YamlRefused(1, f"file of {len(raw)} bytes is over the {V.MAX_YAML_BYTES}-byte limit")
    text = decode(raw)
    try:
        _refuse_what_is_not_data(text)
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlRefused(mark.line + 1 if mark else 1, f"not valid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise YamlRefused(1, f"not valid YAML: {exc}") from None
    lines: dict[Path, int] = {}
    if node is None:
        return Document(None, {(): 1})
    return Document(_value(node, (), lines, node.start_mark.line + 1), lines)


def _refuse_what_is_not_data(text: str) -> None:
    nodes = depth = 0
    for event in yaml.parse(text, Loader=_LOADER):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            raise YamlRefused(line, "an alias (*name): anchors and aliases are not allowed, write the value out")
        if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
            raise YamlRefused(line, f"an anchor (&{event.anchor}): anchors and aliases are not allowed")
        if isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent):
            explicit = event.tag is not None and not (event.implicit[0] if isinstance(event, yaml.ScalarEvent)
                                                      else event.implicit)
            if explicit:
                raise YamlRefused(line, f"a tag ({event.tag}): tags are not allowed, plain values only")
            nodes += 1
            if nodes > V.MAX_YAML_NODES:
                raise YamlRefused(line, f"more than {V.MAX_YAML_NODES} values in one file")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > V.MAX_YAML_DEPTH:
                raise YamlRefused(line, f"nested more than {V.MAX_YAML_DEPTH} levels deep")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.DocumentStartEvent) and event.explicit and nodes:
            raise YamlRefused(line, "more than one YAML document in the file")


_scalars = yaml.SafeLoader("")


def _value(node: yaml.Node, path: Path, lines: dict[Path, int], line: int):
    lines[path] = line
    if isinstance(node, yaml.MappingNode):
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                raise YamlRefused(key_line, "a key must be a plain word or text")
            key = key_node.value
            if key in result:
                raise YamlRefused(key_line, f"duplicate key {key!r} (it is already given on line "
                                  f"{lines[(*path, key)]})")
            result[key] = _value(value_node, (*path, key), lines, key_line)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_value(item, (*path, index), lines, item.start_mark.line + 1)
                for index, item in enumerate(node.value)]
    if node.tag in _PLAIN_TAGS:
        return _scalars.construct_object(node)
    return node.value  # timestamps and the like stay text
