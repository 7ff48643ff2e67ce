"""What an uploaded file really is, and a clean copy of it to store (SECURITY.md, ASVS 5.2, 14.2.8).

The type comes from the content (the `filetype` signatures), never from the name or the browser's word
for it; a file whose name or declared type says something else is refused as disguised. Images are
decoded and re-encoded from their pixels alone, so EXIF (with GPS positions), XMP, ICC profiles and text
chunks are left behind. Office documents are checked to be what their signature suggests and to carry no
macros. Nothing here touches the database: the services call `checked_upload` and store its result.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import quote

import filetype
from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps

from alliance.core.errors import ValidationFailed

# A 24-megapixel phone photo is 6000 x 4000. Larger images are refused before their pixels are decoded:
# a small compressed file can claim gigapixels (a decompression bomb). Pillow's own guard reads the same
# limit and raises DecompressionBombError at twice it; the check below refuses at the limit itself.
MAX_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
MAX_FILENAME = 200
# Uncompressed size an office document may unpack to, as a multiple of the upload limit.
MAX_UNPACKED_RATIO = 20

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
WEBP = "image/webp"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"


@dataclass(frozen=True)
class Kind:
    label: str
    extensions: frozenset[str]
    declared: frozenset[str]  # what browsers and tools call it besides the canonical type
    pillow_format: str = ""  # images are re-encoded in this format


ALLOWED: dict[str, Kind] = {
    PDF: Kind(gettext_lazy("PDF document"), frozenset({"pdf"}), frozenset({"application/x-pdf"})),
    PNG: Kind(gettext_lazy("PNG image"), frozenset({"png"}), frozenset(), "PNG"),
    JPEG: Kind(gettext_lazy("JPEG image"), frozenset({"jpg", "jpeg", "jpe"}),
               frozenset({"image/jpg", "image/pjpeg"}), "JPEG"),
    WEBP: Kind(gettext_lazy("WebP image"), frozenset({"webp"}), frozenset(), "WEBP"),
    DOCX: Kind(gettext_lazy("Word document (DOCX)"), frozenset({"docx"}), frozenset()),
    ODT: Kind(gettext_lazy("OpenDocument text (ODT)"), frozenset({"odt"}), frozenset()),
}
# Declared types that say nothing about the content: browsers send these for files they do not know.
UNINFORMATIVE = frozenset({"", "application/octet-stream", "binary/octet-stream", "application/unknown"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str
    filename: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def max_upload_bytes() -> int:
    return int(getattr(settings, "ALLIANCE_MAX_UPLOAD_MB", 10)) * 1024 * 1024


def allowed_labels() -> str:
    return ", ".join(str(kind.label) for kind in ALLOWED.values())


def read_bounded(stream, *, declared_size: int | None) -> bytes:
    """The file's bytes, refusing an oversized one by its declared size before reading it, and reading at
    most one byte past the limit in case the declared size is wrong."""
    limit = max_upload_bytes()
    too_large = ValidationFailed({"file": [_("The file is larger than %(n)d MB.") % {"n": limit // (1024 * 1024)}]})
    if declared_size is not None and declared_size > limit:
        raise too_large
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise too_large
    return bytes(data)


def clean_filename(name: str) -> str:
    """The last path component, without control characters, at most MAX_FILENAME characters (keeping the
    extension)."""
    name = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/")
    name = _CONTROL.sub("", PurePosixPath(name).name).strip().strip(".")
    if len(name) > MAX_FILENAME:
        stem, dot, ext = name.rpartition(".")
        ext = ext[:16] if dot else ""
        name = (stem if dot else name)[: MAX_FILENAME - len(ext) - 1] + (f".{ext}" if ext else "")
    return name


def _extension(filename: str) -> str:
    _stem, dot, ext = filename.rpartition(".")
    return ext.lower() if dot else ""


def _claimed(extension: str, declared: str) -> str | None:
    """The allowed type the name or the declared type claims, if any."""
    for mime, kind in ALLOWED.items():
        if extension in kind.extensions or declared == mime or declared in kind.declared:
            return mime
    return None


def checked_upload(data: bytes, *, filename: str, declared_type: str = "") -> CheckedFile:
    """Refuse what is empty, oversized, of a type not allowed, or disguised; return a clean copy of the rest."""
    if len(data) > max_upload_bytes():
        raise ValidationFailed({"file": [_("The file is larger than %(n)d MB.")
                                         % {"n": max_upload_bytes() // (1024 * 1024)}]})
    if not data:
        raise ValidationFailed({"file": [_("The file is empty.")]})
    filename = clean_filename(filename)
    declared = (declared_type or "").split(";", 1)[0].strip().lower()
    extension = _extension(filename)
    if not extension:
        raise ValidationFailed({"file": [_("The file name needs an extension, such as .pdf or .jpg.")]})
    guessed = filetype.guess(data)
    mime = guessed.mime if guessed is not None else None
    if mime not in ALLOWED:
        if _claimed(extension, declared):
            raise ValidationFailed({"file": [_("The file's content is not what its name or type says. It was "
                                               "refused.")]})
        raise ValidationFailed({"file": [_("This type of file is not accepted. Accepted: %(types)s.")
                                         % {"types": allowed_labels()}]})
    kind = ALLOWED[mime]
    if extension not in kind.extensions or (declared not in UNINFORMATIVE and declared != mime
                                            and declared not in kind.declared):
        raise ValidationFailed({"file": [_("The file's content is a %(kind)s, but its name or type says "
                                           "otherwise. It was refused.") % {"kind": kind.label}]})
    if kind.pillow_format:
        content = _reencoded(data, kind.pillow_format)
    elif mime == PDF:
        content = _checked_pdf(data)
    else:
        content = _checked_office(data, mime)
    return CheckedFile(content=content, content_type=mime, filename=filename,
                       sha256=hashlib.sha256(content).hexdigest())


def _unreadable() -> ValidationFailed:
    return ValidationFailed({"file": [_("The file is damaged or cannot be read.")]})


def _reencoded(data: bytes, pillow_format: str) -> bytes:
    """Decode, check the size, and build a new image from the pixels alone: no metadata survives."""
    try:
        with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationFailed({"file": [_("The image is too large (more than %(n)d megapixels).")
                                                 % {"n": MAX_PIXELS // 1_000_000}]})
            image.load()
            upright = _upright(image)
            mode = _target_mode(upright, pillow_format)
            pixels = upright.convert(mode) if upright.mode != mode else upright
            clean = Image.frombytes(mode, pixels.size, pixels.tobytes())
    except ValidationFailed:
        raise
    except Image.DecompressionBombError:
        raise ValidationFailed({"file": [_("The image is too large (more than %(n)d megapixels).")
                                         % {"n": MAX_PIXELS // 1_000_000}]}) from None
    except Exception:  # hostile images raise a dozen kinds of error; all mean "unreadable"
        raise _unreadable() from None
    out = io.BytesIO()
    options = {"JPEG": {"quality": 90}, "WEBP": {"quality": 90}, "PNG": {"optimize": True}}[pillow_format]
    clean.save(out, format=pillow_format, **options)
    return out.getvalue()


def _upright(image: Image.Image) -> Image.Image:
    """Turn the picture as its orientation tag says, since the tag is metadata and is about to go; a
    malformed tag leaves the picture as it is rather than refusing it."""
    try:
        return ImageOps.exif_transpose(image) or image
    except Exception:  # any broken EXIF block
        return image


def _target_mode(image: Image.Image, pillow_format: str) -> str:
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    if pillow_format == "JPEG":
        return "L" if image.mode in ("1", "L", "I", "I;16", "F") else "RGB"
    if image.mode in ("1", "L", "LA", "I", "I;16", "F") and pillow_format == "PNG":
        return "LA" if image.mode == "LA" else "L"
    return "RGBA" if has_alpha else "RGB"


def _checked_pdf(data: bytes) -> bytes:
    # A PDF ends with its trailer; a file cut short in transfer, or a PDF header glued onto something
    # else, does not.
    if b"%%EOF" not in data[-2048:]:
        raise _unreadable()
    return data


def _checked_office(data: bytes, mime: str) -> bytes:
    """A DOCX or ODT is a zip archive: it must open, hold the part its type needs, carry no macros, and not
    unpack to far more than the upload limit (the archive itself is stored as uploaded)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            unpacked = sum(info.file_size for info in infos)
            mimetype = b""
            if mime == ODT and "mimetype" in names:
                with archive.open("mimetype") as part:
                    mimetype = part.read(100)
    except Exception:  # a hostile archive raises zlib, struct, zipfile and OS errors alike
        raise _unreadable() from None
    if mime == DOCX and "word/document.xml" not in names:
        raise _unreadable()
    if mime == ODT and mimetype.strip() != ODT.encode():
        raise _unreadable()
    if unpacked > MAX_UNPACKED_RATIO * max_upload_bytes():
        raise _unreadable()
    if any(name.lower().endswith("vbaproject.bin") or name.lower().startswith("basic/") for name in names):
        raise ValidationFailed({"file": [_("Documents with macros are not accepted.")]})
    return data


def attachment_response(content: bytes, *, content_type: str, filename: str):
    """A stored file as a download that the browser never renders or sniffs, and nothing caches."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in filename)
    response = HttpResponse(content, content_type=content_type if content_type in ALLOWED else
                            "application/octet-stream")
    response["Content-Disposition"] = (f'attachment; filename="{fallback or "document"}"; '
                                       f"filename*=UTF-8''{quote(filename, safe='')}")
    response["Content-Length"] = str(len(content))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    # Opened in a tab by mistake, it runs nothing and reaches nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
