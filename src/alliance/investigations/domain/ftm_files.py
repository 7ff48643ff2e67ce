"""Reading an FtM file (JSON lines, as the `ftm` tool writes them, or one JSON array) into entity data,
with the size checked before the file is read whole and a line that is not JSON named."""

from __future__ import annotations

import io
import json

from django.utils.translation import gettext as _

from alliance.core.errors import ValidationFailed

# A bank's year of statements is a few MB of FtM; a hostile file is not.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ENTITIES = 200_000


def ftm_file_entities(upload) -> list[object]:
    """An FtM file: JSON lines (one entity per line, as `ftm` writes them) or one JSON array. The size is
    checked before it is read whole; a line that is not JSON is named."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_FILE_BYTES:
        raise ValidationFailed({"file": [_("The file is larger than %(n)d MB.") % {"n": MAX_FILE_BYTES // 2**20}]})
    raw = upload.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise ValidationFailed({"file": [_("The file is larger than %(n)d MB.") % {"n": MAX_FILE_BYTES // 2**20}]})
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed({"file": [_("The file is not UTF-8 text.")]}) from None
    if text.lstrip().startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValidationFailed({"file": [_("line %(line)d: not JSON (%(reason)s)")
                                             % {"line": error.lineno, "reason": error.msg}]}) from None
        return data
    entities = []
    for number, line in enumerate(io.StringIO(text), start=1):
        if not line.strip():
            continue
        try:
            entities.append(json.loads(line))
        except json.JSONDecodeError as error:
            raise ValidationFailed({"file": [_("line %(line)d: not JSON (%(reason)s)")
                                             % {"line": number, "reason": error.msg}]}) from None
        if len(entities) > MAX_ENTITIES:
            raise ValidationFailed(_("At most %(n)d entities in one import.") % {"n": MAX_ENTITIES})
    return entities
