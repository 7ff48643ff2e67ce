"""The Django secret key: from ALLIANCE_SECRET_KEY, else a file in ./var created once with mode 0600."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def write_private_file(path: Path, content: str) -> None:
    """Create a file readable by its owner only; fail rather than overwrite."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(content)


def secret_key_from_environment_or_file(path: Path) -> str:
    value = os.environ.get("ALLIANCE_SECRET_KEY")
    if value:
        return value
    if not path.exists():
        try:
            write_private_file(path, secrets.token_urlsafe(64))
        except FileExistsError:
            pass  # another worker created it first
    return path.read_text().strip()
