"""The upload checker (cases/domain/uploads.py): the type comes from the content, disguised and damaged files are
refused, images lose their metadata, and no input makes it fail with anything but a refusal."""

from __future__ import annotations

import io

import filetype
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from alliance.cases.domain import uploads
from alliance.cases.domain.uploads import ALLOWED, checked_upload, clean_filename, read_bounded
from alliance.core.errors import ValidationFailed
from tests.cases.casefile_world import PDF, docx, jpeg_with_gps, png


def _refused(data: bytes, name: str, declared: str = "") -> str:
    with pytest.raises(ValidationFailed) as caught:
        checked_upload(data, filename=name, declared_type=declared)
    return " ".join(caught.value.errors["file"])


def test_accepted_types_are_recognised_by_content():
    assert checked_upload(PDF, filename="statement.pdf", declared_type="application/pdf").content_type == uploads.PDF
    assert checked_upload(png(), filename="scan.PNG", declared_type="image/png").content_type == uploads.PNG
    assert checked_upload(jpeg_with_gps(), filename="photo.jpeg").content_type == uploads.JPEG
    assert checked_upload(docx(), filename="letter.docx").content_type == uploads.DOCX


def test_a_png_named_pdf_is_refused_as_disguised():
    assert "name or type says otherwise" in _refused(png(), "report.pdf", "application/pdf")


def test_a_png_declared_as_pdf_is_refused_even_with_the_right_name():
    assert "name or type says otherwise" in _refused(png(), "scan.png", "application/pdf")


def test_html_declared_as_pdf_is_refused_as_disguised():
    html = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
    assert "not what its name or type says" in _refused(html, "statement.pdf", "application/pdf")


def test_empty_file_is_refused():
    assert "empty" in _refused(b"", "nothing.pdf")


def test_unknown_types_are_refused():
    assert "not accepted" in _refused(b"MZ\x90\x00" + b"\x00" * 200, "tool.exe")  # a Windows program
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, "GIF")
    assert "not accepted" in _refused(gif.getvalue(), "animation.gif")
    assert "not accepted" in _refused(b"just some text", "notes.txt")


def test_a_name_without_extension_is_refused():
    assert "extension" in _refused(PDF, "statement")


def test_office_documents_with_macros_are_refused():
    assert "macros" in _refused(docx(macros=True), "letter.docx")


def test_a_plain_zip_named_docx_is_refused():
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.txt", "x")
    assert _refused(out.getvalue(), "letter.docx")


def test_a_truncated_pdf_is_refused():
    assert "damaged" in _refused(PDF[:-8], "statement.pdf")


def test_size_limit_refuses_before_reading(settings):
    settings.ALLIANCE_MAX_UPLOAD_MB = 1

    class Unread(io.BytesIO):
        def read(self, *args):
            raise AssertionError("an oversized file must be refused before it is read")

    with pytest.raises(ValidationFailed) as caught:
        read_bounded(Unread(), declared_size=2 * 1024 * 1024)
    assert "larger than 1 MB" in caught.value.errors["file"][0]
    # A declared size that lies does not help: at most one byte past the limit is read.
    with pytest.raises(ValidationFailed):
        read_bounded(io.BytesIO(b"x" * (1024 * 1024 + 10)), declared_size=10)
    with pytest.raises(ValidationFailed):
        checked_upload(b"%PDF" + b"x" * (1024 * 1024), filename="big.pdf")


def test_exif_xmp_and_gps_are_removed_from_images():
    clean = checked_upload(jpeg_with_gps(), filename="photo.jpg").content
    image = Image.open(io.BytesIO(clean))
    assert not image.getexif() and "exif" not in image.info and "xmp" not in image.info
    assert "icc_profile" not in image.info
    for marker in (b"Exif", b"DreamPhone", b"Dream Street", b"xmpmeta"):
        assert marker not in clean
    assert image.size == (64, 48)


def test_an_icc_profile_and_png_text_are_removed():
    from PIL import ImageCms, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "Found at Dream Street 7")
    out = io.BytesIO()
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    Image.new("RGBA", (10, 10), (1, 2, 3, 128)).save(out, "PNG", pnginfo=info, icc_profile=profile)
    clean = checked_upload(out.getvalue(), filename="scan.png").content
    image = Image.open(io.BytesIO(clean))
    assert "icc_profile" not in image.info and "Comment" not in image.info and b"Dream Street" not in clean
    assert image.mode == "RGBA"  # transparency survives


def test_a_decompression_bomb_is_refused():
    out = io.BytesIO()
    Image.new("1", (10_000, 5_000)).save(out, "PNG")  # 50 megapixels in a few kilobytes
    assert "too large" in _refused(out.getvalue(), "bomb.png")


def test_the_orientation_is_applied_before_it_is_removed():
    image = Image.new("RGB", (40, 20), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° when shown
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    assert Image.open(io.BytesIO(checked_upload(out.getvalue(), filename="p.jpg").content)).size == (20, 40)


@pytest.mark.parametrize(("raw", "expected"), [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("C:\\Users\\lea\\scan.png", "scan.png"),
    ("a\x00b\x1fc.pdf", "abc.pdf"),
    ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
    ("Заявление.pdf", "Заявление.pdf"),
])
def test_filenames_are_cleaned(raw, expected):
    assert clean_filename(raw) == expected


MAGIC = [b"", b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"RIFF\x00\x00\x00\x00WEBPVP8 ",
         b"PK\x03\x04", b"<html>", b"MZ"]
NAMES = st.sampled_from(["a.pdf", "a.png", "a.jpg", "a.webp", "a.docx", "a.odt", "a.exe", "a", "a.html", ".pdf"])
TYPES = st.sampled_from(["", "application/pdf", "image/png", "image/jpeg", "text/html", "application/octet-stream",
                         "image/webp; charset=binary"])


@settings(max_examples=300, deadline=None)
@given(magic=st.sampled_from(MAGIC), body=st.binary(max_size=2048), trailer=st.sampled_from([b"", b"\n%%EOF\n"]),
       name=NAMES, declared=TYPES)
def test_random_bytes_are_refused_or_accepted_as_an_allowed_type(magic, body, trailer, name, declared):
    data = magic + body + trailer
    try:
        checked = checked_upload(data, filename=name, declared_type=declared)
    except ValidationFailed as refusal:
        assert set(refusal.errors) == {"file"}
        return
    assert checked.content_type in ALLOWED
    assert filetype.guess(checked.content).mime == checked.content_type
    assert checked.filename.rsplit(".", 1)[1].lower() in ALLOWED[checked.content_type].extensions
