"""Zip archives and folders of scenario packages: nothing outside the package is read or written, and the
limits hold before anything is unpacked."""

from __future__ import annotations

import io
import os
import stat
import zipfile

import pytest

from alliance.exercises.domain import scenario_package as sp
from alliance.exercises.domain.scenario_package import archive
from alliance.exercises.domain.scenario_package import vocabulary as V
from tests.exercises.test_scenario_mutations import SHIPPED, shipped_files

SLUG = "dreamland-online-recruitment"


def zipped(entries: dict[str, bytes], *, top: str = SLUG, extra=()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(f"{top}/{name}" if top else name, data)
        for info, data in extra:
            z.writestr(info, data)
    return buffer.getvalue()


def reasons(data: bytes) -> list[str]:
    with pytest.raises(sp.PackageRefused) as caught:
        sp.read_bytes(data)
    return [str(p) for p in caught.value.problems]


def test_a_zip_of_the_folder_and_a_flat_zip_both_read():
    files = shipped_files(SLUG)
    assert sp.read_bytes(zipped(files)).files == files
    assert sp.read_bytes(zipped(files, top="")).files == files


def test_the_written_zip_reads_back_and_is_always_the_same_bytes():
    files = shipped_files(SLUG)
    once = archive.write_zip(files, top="x")
    assert once == archive.write_zip(dict(reversed(files.items())), top="x")
    assert sp.read_bytes(once).files == files


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "evidence/../../x.md", "evidence\\..\\x.md",
                                  "C:/x.md", "evidence/./a.md"])
def test_path_traversal_is_refused(name):
    files = shipped_files(SLUG)
    found = reasons(zipped(files, extra=[(zipfile.ZipInfo(name), b"x")]))
    assert any("refused" in r for r in found), found


def test_a_whole_archive_under_a_climbing_folder_is_refused():
    """Unwrapping the common top folder must not hide that the top folder is `..`."""
    found = reasons(zipped(shipped_files(SLUG), top=".."))
    assert found and all("climbs out" in r for r in found)


def test_a_symlink_entry_is_refused():
    link = zipfile.ZipInfo(f"{SLUG}/evidence/link.md")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    found = reasons(zipped(shipped_files(SLUG), extra=[(link, b"/etc/passwd")]))
    assert any("evidence/link.md:0: a symbolic link" in r for r in found), found


def test_a_file_that_is_not_part_of_a_package_is_refused():
    found = reasons(zipped({**shipped_files(SLUG), "setup.py": b"import os"}))
    assert any(r.startswith("setup.py:0: not a file of a scenario package") for r in found), found


def test_too_many_entries_are_refused_before_reading():
    files = {f"evidence/n{n}.txt": b"x" for n in range(V.MAX_FILES + 1)}
    assert reasons(zipped(files)) == [f":0: {V.MAX_FILES + 1} entries in the archive, more than {V.MAX_FILES}"
                                      .replace(":0:", ".:0:")]


def test_a_zip_bomb_is_refused_from_its_directory_before_unpacking():
    bomb = b"\0" * (V.MAX_EVIDENCE_BYTES - 10)  # under the size limit, but compressed a thousand times
    found = reasons(zipped({**shipped_files(SLUG), "evidence/bomb.txt": bomb}))
    assert any("evidence/bomb.txt:0: compressed" in r and "zip bomb" in r for r in found), found


def test_an_entry_over_its_size_limit_is_refused_from_the_directory():
    big = os.urandom(V.MAX_EVIDENCE_BYTES + 1)  # random bytes do not compress: the ratio check is not enough
    found = reasons(zipped({**shipped_files(SLUG), "evidence/big.png": big}))
    assert any("evidence/big.png:0:" in r and "over the" in r for r in found), found


def test_a_directory_that_lies_about_sizes_is_caught_when_unpacking():
    data = bytearray(zipped({"package.yaml": b"a: " + b"b" * 5000}, top=""))
    # Shrink the declared size in the central directory (and local header) to 10 bytes.
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = (10).to_bytes(4, "little")
    data[22:26] = (10).to_bytes(4, "little")
    found = reasons(bytes(data))
    assert any("another size" in r or "damaged" in r for r in found), found


def test_an_encrypted_entry_and_junk_are_refused():
    assert reasons(b"not a zip at all") == [".:0: not a zip archive"]
    data = bytearray(zipped(shipped_files(SLUG), extra=[(zipfile.ZipInfo(f"{SLUG}/evidence/secret.md"), b"x")]))
    central = data.rfind(b"PK\x01\x02")  # the last entry's record in the central directory
    data[central + 8] |= 0x1  # general purpose flag: encrypted
    found = reasons(bytes(data))
    assert any("encrypted" in r for r in found), found


def test_a_folder_with_a_symlink_is_refused(tmp_path):
    folder = tmp_path / "pkg"
    archive.write_folder(shipped_files(SLUG), folder)
    (folder / "evidence" / "passwd.md").symlink_to("/etc/passwd")
    with pytest.raises(sp.PackageRefused) as caught:
        sp.read(folder)
    assert [str(p) for p in caught.value.problems] == ["evidence/passwd.md:0: a symbolic link: refused"]


def test_writing_a_folder_never_overwrites(tmp_path):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        archive.write_folder(shipped_files(SLUG), tmp_path / "used")
    assert (tmp_path / "used" / "keep.txt").read_text() == "mine"
    assert sorted(os.listdir(SHIPPED / SLUG))  # the shipped folder is read, never written
