"""The Django secret key: from ALLIANCE_SECRET_KEY, else a file in ./var created once with mode 0600."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from alliance.core.keyring import write_private_file


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
