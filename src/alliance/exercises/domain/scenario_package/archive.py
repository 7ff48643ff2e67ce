"""Getting a package's files out of a folder or a zip, and writing them back, without trusting either.

Everything is checked before a byte is read or unpacked: the names (no absolute paths, no `..`, no
backslashes, nothing outside the seven YAML files and evidence/), no symbolic links, no more than
MAX_FILES entries, and each entry's size against the limits from the zip's directory, with the compression
ratio, before decompressing; the decompressed bytes are then counted again, since a directory can lie.
"""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path, PurePosixPath

from alliance.exercises.domain.scenario_package import vocabulary as V
from alliance.exercises.domain.scenario_package.problems import Problem

Files = dict[str, bytes]


def _unsafe(name: str) -> str | None:
    if "\\" in name or name.startswith("/") or "\x00" in name:
        return "a path with a backslash, a leading slash or a NUL: refused"
    if any(part in ("..", ".") for part in name.split("/")) or ":" in name:
        return "a path that climbs out of the package (..) or names a drive: refused"
    return None


def _name_problem(name: str) -> str | None:
    if reason := _unsafe(name):
        return reason
    parts = PurePosixPath(name).parts
    if len(parts) == 1 and name in V.FILES:
        return None
    if len(parts) >= 2 and parts[0] == V.EVIDENCE_DIR and not any(p.startswith(".") for p in parts):
        return None
    return (f"not a file of a scenario package (only {', '.join(V.FILES)} and files under "
            f"{V.EVIDENCE_DIR}/)")


def _limit(name: str) -> int:
    return V.MAX_YAML_BYTES if name in V.FILES else V.MAX_EVIDENCE_BYTES


def _size_problem(name: str, size: int) -> str | None:
    if size > _limit(name):
        return f"{size} bytes, over the {_limit(name)}-byte limit for this file"
    return None


def file_set_problems(files: Files) -> list[Problem]:
    """The same name and size rules for files that come from neither (an edit in the pages)."""
    if len(files) > V.MAX_FILES:
        return [Problem("", 0, f"more than {V.MAX_FILES} files")]
    problems = [Problem(name, 0, reason) for name in sorted(files)
                if (reason := _name_problem(name) or _size_problem(name, len(files[name])))]
    total = sum(map(len, files.values()))
    if total > V.MAX_TOTAL_BYTES:
        problems.append(Problem("", 0, f"{total} bytes in all, over the {V.MAX_TOTAL_BYTES}-byte limit"))
    return problems


def read_folder(folder: Path) -> tuple[Files, list[Problem]]:
    folder = Path(folder)
    if not folder.is_dir() or folder.is_symlink():
        return {}, [Problem("", 0, "not a folder (a scenario package is a folder or a .zip of one)")]
    problems: list[Problem] = []
    found: list[tuple[str, Path]] = []
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            problems.append(Problem(name, 0, "a symbolic link: refused"))
        elif stat.S_ISDIR(mode):
            continue
        elif not stat.S_ISREG(mode):
            problems.append(Problem(name, 0, "not a regular file: refused"))
        elif (reason := _name_problem(name) or _size_problem(name, path.stat().st_size)) is not None:
            problems.append(Problem(name, 0, reason))
        else:
            found.append((name, path))
        if len(found) + len(problems) > V.MAX_FILES:
            return {}, [Problem("", 0, f"more than {V.MAX_FILES} files")]
    total = sum(path.stat().st_size for _name, path in found)
    if total > V.MAX_TOTAL_BYTES:
        problems.append(Problem("", 0, f"{total} bytes in all, over the {V.MAX_TOTAL_BYTES}-byte limit"))
    if problems:
        return {}, problems
    return {name: path.read_bytes() for name, path in found}, []


def _common_folder(names: list[str]) -> str:
    """A zip of the folder itself (pkg/package.yaml ...) is unwrapped: one top folder holding every entry."""
    tops = {name.split("/", 1)[0] for name in names}
    if len(tops) == 1 and all("/" in name for name in names):
        return tops.pop() + "/"
    return ""


def read_zip(data: bytes) -> tuple[Files, list[Problem]]:
    if len(data) > V.MAX_TOTAL_BYTES:
        return {}, [Problem("", 0, f"an archive of {len(data)} bytes, over the {V.MAX_TOTAL_BYTES}-byte limit")]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return {}, [Problem("", 0, "not a zip archive")]
    if len(entries) > V.MAX_FILES:
        return {}, [Problem("", 0, f"{len(entries)} entries in the archive, more than {V.MAX_FILES}")]
    problems: list[Problem] = []
    prefix = _common_folder([e.filename for e in entries if not e.is_dir()])
    wanted: list[tuple[str, zipfile.ZipInfo]] = []
    names: set[str] = set()
    for entry in entries:
        name = entry.filename.removeprefix(prefix)
        if reason := _unsafe(entry.filename.rstrip("/")):
            problems.append(Problem(entry.filename, 0, reason))
            continue
        if stat.S_ISLNK(entry.external_attr >> 16):
            problems.append(Problem(name, 0, "a symbolic link in the archive: refused"))
            continue
        if entry.is_dir():
            continue
        if entry.flag_bits & 0x1:
            problems.append(Problem(name, 0, "an encrypted archive entry: refused"))
            continue
        reason = _name_problem(name) or _size_problem(name, entry.file_size)
        if reason is None and entry.compress_size and entry.file_size / entry.compress_size > V.MAX_ZIP_RATIO:
            reason = (f"compressed {entry.file_size // entry.compress_size} times: over the "
                      f"{V.MAX_ZIP_RATIO}-times limit (a zip bomb?)")
        if reason is None and name in names:
            reason = "the same name twice in the archive"
        if reason:
            problems.append(Problem(name, 0, reason))
            continue
        names.add(name)
        wanted.append((name, entry))
    declared = sum(entry.file_size for _name, entry in wanted)
    if declared > V.MAX_TOTAL_BYTES:
        problems.append(Problem("", 0, f"{declared} bytes unpacked in all, over the {V.MAX_TOTAL_BYTES}-byte limit"))
    if problems:
        return {}, problems
    files: Files = {}
    for name, entry in wanted:
        try:
            with archive.open(entry) as stream:
                content = stream.read(_limit(name) + 1)
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
            return {}, [Problem(name, 0, "a damaged archive entry")]
        if len(content) > _limit(name) or len(content) != entry.file_size:
            return {}, [Problem(name, 0, "unpacks to another size than the archive declares: refused")]
        files[name] = content
    return files, []


def write_zip(files: Files, *, top: str) -> bytes:
    """The package as a zip of one folder named `top`, entries sorted and dated alike so that the same
    package always gives the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{top}/{name}", date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()


def write_folder(files: Files, folder: Path) -> None:
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"{folder} exists and is not empty")
    for name, content in files.items():
        if _name_problem(name):
            raise ValueError(f"refusing to write {name!r}")
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
