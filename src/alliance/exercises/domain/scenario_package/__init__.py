"""Scenario packages, format version 1: a folder (or a zip of one) of seven YAML files and evidence/.

`read(path)` and `read_bytes(zip)` return a checked `Package` or raise `PackageRefused` naming every
problem as file, line and reason. Pure Python: no database, no request, no user, so `alliance scenarios
validate` runs anywhere. docs/scenario-packages.md describes the format; vocabulary.py holds its words.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ValidationError

from alliance.exercises.domain.scenario_package import archive, plain_yaml, references
from alliance.exercises.domain.scenario_package import schema as S
from alliance.exercises.domain.scenario_package import vocabulary as V
from alliance.exercises.domain.scenario_package.problems import PackageRefused, Problem

__all__ = ["Evidence", "Package", "PackageRefused", "Problem", "read", "read_bytes", "text_in", "validate"]


@dataclass(frozen=True)
class Evidence:
    path: str
    media_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Package:
    slug: str
    version: str
    languages: tuple[str, ...]
    title: dict[str, str]
    files: dict[str, bytes]  # exactly as read: export writes these back
    content: dict[str, dict]  # each YAML file as plain data (JSON-ready), for pages and later sessions
    evidence: tuple[Evidence, ...]

    @property
    def sha256(self) -> str:
        digest = hashlib.sha256()
        for name in sorted(self.files):
            digest.update(name.encode() + b"\0" + hashlib.sha256(self.files[name]).digest())
        return digest.hexdigest()

    def line_of(self, file: str, path: tuple) -> int:
        return plain_yaml.load(self.files[file]).line_of(path)

    def model(self, file: str) -> BaseModel:
        return S.SCHEMAS[file].model_validate(self.content[file])


def _schema_problems(file: str, document: plain_yaml.Document, error: ValidationError) -> list[Problem]:
    problems, seen = [], set()
    for item in error.errors(include_url=False):
        location = tuple(part for part in item["loc"] if not str(part).startswith(("function-", "literal[")))
        if location and location[-1] == "[key]":
            location = location[:-1]
            reason = f"{location[-1]!r} is not a language code (a text is given as en: ..., ru: ...)"
        elif item["type"] == "extra_forbidden":
            reason = f"unknown key {location[-1]!r}"
        elif item["type"] == "missing":
            reason = f"{location[-1]!r} is required"
        else:
            reason = f"{'.'.join(str(p) for p in location) or 'the file'}: {item['msg']}"
        if location in seen:
            continue  # one problem per value: pydantic may say "bad key" and "bad value" of the same entry
        seen.add(location)
        problems.append(Problem(file, document.line_of(location), reason))
    return problems


def validate(files: dict[str, bytes]) -> Package:
    """The package these files make, or PackageRefused with every problem found."""
    problems = archive.file_set_problems(files)
    if problems:
        raise PackageRefused(problems)
    documents: dict[str, plain_yaml.Document] = {}
    models: dict[str, BaseModel] = {}
    for file in V.FILES:
        if file not in files:
            problems.append(Problem(file, 0, "missing: a scenario package has " + ", ".join(V.FILES)))
            continue
        try:
            documents[file] = plain_yaml.load(files[file])
        except plain_yaml.YamlRefused as exc:
            problems.append(Problem(file, exc.line, exc.reason))
            continue
        if not isinstance(documents[file].data, dict):
            problems.append(Problem(file, 1, "the file must be a mapping of keys to values"))
            continue
        try:
            models[file] = S.SCHEMAS[file].model_validate(documents[file].data)
        except ValidationError as exc:
            problems += _schema_problems(file, documents[file], exc)
    if problems:
        raise PackageRefused(problems)
    problems = references.Checker(models, documents, files).run()
    if problems:
        raise PackageRefused(problems)
    package: S.PackageFile = models["package.yaml"]
    evidence = tuple(Evidence(name, references.media_type(name), len(files[name]),
                              hashlib.sha256(files[name]).hexdigest())
                     for name in sorted(files) if name not in V.FILES)
    return Package(slug=package.slug, version=package.version, languages=tuple(package.languages),
                   title=dict(package.title.root), files=dict(files),
                   content={file: documents[file].data for file in V.FILES},
                   evidence=evidence)


def read(path: Path) -> Package:
    """A folder, or a .zip file, checked whole."""
    path = Path(path)
    if path.is_file() and path.suffix.lower() == ".zip":
        if path.stat().st_size > V.MAX_TOTAL_BYTES:
            raise PackageRefused([Problem("", 0, f"an archive over the {V.MAX_TOTAL_BYTES}-byte limit")])
        return read_bytes(path.read_bytes())
    files, problems = archive.read_folder(path)
    if problems:
        raise PackageRefused(problems)
    return validate(files)


def read_bytes(data: bytes) -> Package:
    """A zip archive's bytes (an upload), checked whole."""
    files, problems = archive.read_zip(data)
    if problems:
        raise PackageRefused(problems)
    return validate(files)


def text_in(value, language: str) -> str:
    """A package text ({en: ..., ru: ...}) in one language, or its first language where that one is missing;
    a plain value as it is."""
    if isinstance(value, dict):
        return str(value.get(language) or next(iter(value.values()), ""))
    return str(value or "")


def package_in(value, *, languages: set[str], language: str):
    """A package's data with every text ({en: ..., ru: ...}, keys only among the package's languages) in one
    language, by text_in's rule; everything else as it is."""
    if isinstance(value, dict):
        if value and set(value) <= languages and all(isinstance(v, str) for v in value.values()):
            return text_in(value, language)
        return {key: package_in(item, languages=languages, language=language) for key, item in value.items()}
    if isinstance(value, list):
        return [package_in(item, languages=languages, language=language) for item in value]
    return value
