"""Mutations of the shipped scenario packages, each with the problem it must cause: the file, the line and a
word of the reason. The tests of the format (Hypothesis), of the import (nothing stored) and of the command
share them; the test at the bottom checks that each mutation really changes something.

Each mutation works on the text, so it knows the line it broke; `index` picks which of the candidate lines
(an inject, a translation, a file) it breaks, so Hypothesis can roam over the whole package.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from alliance.exercises.domain.scenario_package import archive
from alliance.exercises.domain.scenario_package import vocabulary as V

SHIPPED = Path(__file__).resolve().parents[2] / "src" / "alliance" / "exercises" / "scenario_packages"
SLUGS = sorted(p.name for p in SHIPPED.iterdir() if p.is_dir())


def shipped_files(slug: str) -> dict[str, bytes]:
    files, problems = archive.read_folder(SHIPPED / slug)
    assert problems == []
    return files


@dataclass(frozen=True)
class Expected:
    file: str
    line: int
    words: str  # a part of the reason


def _lines(files: dict[str, bytes], name: str) -> list[str]:
    return files[name].decode("utf-8").split("\n")


def _put(files: dict[str, bytes], name: str, lines: list[str]) -> dict[str, bytes]:
    return {**files, name: "\n".join(lines).encode("utf-8")}


def _pick(candidates: list, index: int):
    assert candidates, "a mutation found nothing to break"
    return candidates[index % len(candidates)]


def _inject_starts(lines: list[str]) -> list[int]:
    return [n for n, line in enumerate(lines) if line.startswith("  - id: inj-")]


def _inject_block(lines: list[str], start: int) -> range:
    starts = [*_inject_starts(lines), len(lines)]
    return range(start, next(s for s in starts if s > start))


def unknown_recipient(files, index):
    lines = _lines(files, "msel.yaml")
    n = _pick([n for n, line in enumerate(lines) if line.startswith("    recipient: ")], index)
    lines[n] = "    recipient: nobody-at-all"
    return _put(files, "msel.yaml", lines), Expected("msel.yaml", n + 1, "unknown recipient role 'nobody-at-all'")


def drop_required_key(files, index):
    lines = _lines(files, "msel.yaml")
    n = _pick([n for n, line in enumerate(lines) if line.startswith("    channel: ")], index)
    start = max(s for s in _inject_starts(lines) if s < n)
    del lines[n]
    return _put(files, "msel.yaml", lines), Expected("msel.yaml", start + 1, "'channel' is required")


def _when_line(lines: list[str], start: int) -> int:
    return next(n for n in _inject_block(lines, start) if lines[n].startswith(("    at: ", "    trigger: ")))


def self_trigger(files, index):
    lines = _lines(files, "msel.yaml")
    start = _pick(_inject_starts(lines), index)
    me = lines[start].split(": ", 1)[1]
    n = _when_line(lines, start)
    lines[n] = f"    trigger: {{after: {me}}}"
    return _put(files, "msel.yaml", lines), Expected("msel.yaml", n + 1, "waits for itself")


def cycle(files, index):
    lines = _lines(files, "msel.yaml")
    starts = _inject_starts(lines)
    first = _pick(starts, index)
    second = starts[(starts.index(first) + 1) % len(starts)]
    ids = [lines[s].split(": ", 1)[1] for s in (first, second)]
    at_first, at_second = _when_line(lines, first), _when_line(lines, second)
    lines[at_first] = f"    trigger: {{after: {ids[1]}, minutes: 5}}"
    lines[at_second] = f"    trigger: {{after: {ids[0]}}}"
    return _put(files, "msel.yaml", lines), Expected("msel.yaml", at_first + 1, "a cycle of after: triggers")


def event_no_tool_emits(files, index):
    lines = _lines(files, "msel.yaml")
    start = _pick(_inject_starts(lines), index)
    n = _when_line(lines, start)
    lines[n] = "    trigger: {event: victim_smiles}"
    return _put(files, "msel.yaml", lines), Expected("msel.yaml", n + 1, "no tool records the event")


def _flow_ru(files):
    return [(name, n) for name in V.FILES for n, line in enumerate(_lines(files, name))
            if re.search(r"\{en: [^{}]*, ru: [^{}]*\}", line)]


def _block_ru(files):
    """`ru:` lines whose text is on the same line, after a one-line `en:` right under the text's key."""
    found = []
    for name in V.FILES:
        lines = _lines(files, name)
        for n in range(2, len(lines)):
            en, ru = lines[n - 1], lines[n]
            indent = len(ru) - len(ru.lstrip())
            key = lines[n - 2]
            one_line = not ru.rstrip().endswith((">-", "|")) and not en.rstrip().endswith((">-", "|"))
            if (ru.strip().startswith("ru: ") and en.strip().startswith("en: ") and one_line
                    and len(en) - len(en.lstrip()) == indent
                    and key.rstrip().endswith(":") and len(key) - len(key.lstrip()) < indent):
                found.append((name, n))
    return found


def missing_translation(files, index):
    candidates = [("flow", *c) for c in _flow_ru(files)] + [("block", *c) for c in _block_ru(files)]
    style, name, n = _pick(candidates, index)
    lines = _lines(files, name)
    if style == "flow":
        lines[n] = re.sub(r"(\{en: [^{}]*), ru: [^{}]*\}", r"\1}", lines[n], count=1)
        line = n + 1
    else:
        del lines[n]
        line = n - 1  # the text's key, two lines up
    return _put(files, name, lines), Expected(name, line, "no ru text")


def not_utf8(files, index):
    name = _pick(list(V.FILES), index)
    lines = files[name].split(b"\n")
    n = (index // len(V.FILES)) % len(lines)
    lines[n] = lines[n] + b" \xff\xfe"
    return {**files, name: b"\n".join(lines)}, Expected(name, n + 1, "not UTF-8")


def _append(files, name, text):
    body = files[name].decode("utf-8").rstrip("\n")
    line = body.count("\n") + 2
    return {**files, name: (body + "\n" + text + "\n").encode("utf-8")}, line


def anchor_and_alias(files, index):
    name = _pick(list(V.FILES), index)
    changed, line = _append(files, name, "zz-bomb: &a [1, 2]\nzz-more: [*a, *a]")
    return changed, Expected(name, line, "anchor")


def tag(files, index):
    name = _pick(list(V.FILES), index)
    changed, line = _append(files, name, "zz-tag: !!python/object/apply:os.system [echo]")
    return changed, Expected(name, line, "tag")


def duplicate_key(files, index):
    lines = _lines(files, "msel.yaml")
    n = _pick([n for n, line in enumerate(lines) if line.startswith("    channel: ")], index)
    lines.insert(n + 1, lines[n])
    return _put(files, "msel.yaml", lines), Expected("msel.yaml", n + 2, "duplicate key 'channel'")


def oversized_evidence(files, index):
    name = _pick(sorted(n for n in files if n.startswith("evidence/") and n.endswith((".md", ".csv"))), index)
    return {**files, name: files[name] + b"x" * V.MAX_EVIDENCE_BYTES}, Expected(name, 0, "over the")


def oversized_yaml(files, index):
    name = _pick(list(V.FILES), index)
    return {**files, name: files[name] + b"#" * V.MAX_YAML_BYTES}, Expected(name, 0, "over the")


def missing_evidence(files, index):
    references = [(name, n, m.group(0)) for name in ("msel.yaml", "roleplayers.yaml")
                  for n, line in enumerate(_lines(files, name)) for m in re.finditer(r"evidence/[\w.-]+", line)]
    name, n, path = _pick(references, index)
    remaining = {k: v for k, v in files.items() if k != path}
    return remaining, Expected(name, n + 1, f"the evidence file {path} is not in the package")


def unknown_indicator(files, index):
    lines = _lines(files, "expected_actions.yaml")
    n = _pick([n for n, line in enumerate(lines) if line.startswith("      indicators: [")], index)
    lines[n] = lines[n].replace("[", "[made-up-indicator, ", 1)
    return _put(files, "expected_actions.yaml", lines), Expected("expected_actions.yaml", n + 1, "unknown indicator")


MUTATIONS: dict[str, Callable] = {m.__name__: m for m in (
    unknown_recipient, drop_required_key, self_trigger, cycle, event_no_tool_emits, missing_translation, not_utf8,
    anchor_and_alias, tag, duplicate_key, oversized_evidence, oversized_yaml, missing_evidence, unknown_indicator)}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
@pytest.mark.parametrize("slug", SLUGS)
def test_each_mutation_changes_the_package_where_it_says(mutation, slug):
    """A mutation that changed nothing would make the format tests pass for nothing."""
    files = shipped_files(slug)
    changed, expected = MUTATIONS[mutation](files, 0)
    assert changed != files
    assert expected.file in files and expected.file in changed
    assert expected.line >= 0 and expected.words
