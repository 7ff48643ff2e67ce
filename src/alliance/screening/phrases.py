"""The fixed phrases read to the person (phrases.json), in the nine screening languages."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

PHRASES_FILE = Path(__file__).resolve().parent / "phrases.json"


@cache
def all_phrases() -> dict[str, dict[str, str]]:
    return json.loads(PHRASES_FILE.read_text(encoding="utf-8"))


def text(key: str, language: str) -> str:
    entry = all_phrases().get(key, {})
    return entry.get(language) or entry.get("en", "")
